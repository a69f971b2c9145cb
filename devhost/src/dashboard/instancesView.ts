/**
 * The instance list: counts by runtime status, filters (orchestrator name, status, created-time
 * range, id prefix) kept in the URL, continuation-token paging, live refresh that keeps the page
 * and scroll position, and bulk terminate / purge of the filtered set.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { ADMIN, call, queryString } from './api';
import { html } from './html';
import { isFinished, RUNTIME_STATUSES, type RuntimeStatus } from './rules';
import { el, RowList, type RowSpec } from './rowList';
import { type ConfirmRequest, customStatusNodes, formatTime, statusBadgeElement, usePoll } from './widgets';

export interface InstanceSummary {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
  customStatus: unknown;
}

export interface ListFilter {
  name?: string;
  runtimeStatus?: string;
  createdTimeFrom?: string;
  createdTimeTo?: string;
  instanceIdPrefix?: string;
  top?: string;
}

const FILTER_KEYS: (keyof ListFilter)[] = [
  'name',
  'runtimeStatus',
  'createdTimeFrom',
  'createdTimeTo',
  'instanceIdPrefix',
  'top',
];

export function filterFromParams(params: URLSearchParams): ListFilter {
  const filter: ListFilter = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  return filter;
}

function toIso(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function commonFilter(filter: ListFilter) {
  return {
    name: filter.name,
    createdTimeFrom: filter.createdTimeFrom,
    createdTimeTo: filter.createdTimeTo,
    instanceIdPrefix: filter.instanceIdPrefix,
  };
}

/** The API calls behind one page of the list (also made early, before the view mounts: main.ts). */
export function listPaths(filter: ListFilter, token?: string): { page: string; counts: string } {
  const common = commonFilter(filter);
  return {
    page: `${ADMIN}/instances${queryString({ ...common, runtimeStatus: filter.runtimeStatus, top: filter.top ?? 100, continuationToken: token })}`,
    counts: `${ADMIN}/counts${queryString(common)}`,
  };
}

export function InstancesView(props: {
  filter: ListFilter;
  orchestrators: string[];
  navigate: (filter: ListFilter) => void;
  confirm: (request: ConfirmRequest) => void;
  refreshMs: number;
}) {
  const { filter } = props;
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [items, setItems] = useState<InstanceSummary[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | undefined>();
  const shownPage = useRef('');
  const filterKey = JSON.stringify(filter);
  const [pagedFor, setPagedFor] = useState(filterKey);
  if (pagedFor !== filterKey) {
    // A new filter starts again at the first page.
    setPagedFor(filterKey);
    setTokens([undefined]);
  }
  const token = pagedFor === filterKey ? tokens[tokens.length - 1] : undefined;

  const common = commonFilter(filter);
  usePoll(
    async () => {
      const paths = listPaths(filter, token);
      // The rows do not wait for the counts, which scan every matching instance.
      const paging = call<{ items: InstanceSummary[]; continuationToken?: string }>('GET', paths.page).then(
        (page) => {
          // An unchanged page (most refreshes) is not rendered again.
          if (page.text !== shownPage.current) {
            shownPage.current = page.text;
            setItems(page.body.items);
          }
          setNext(page.body.continuationToken);
        },
      );
      const counting = call<{ counts: Record<string, number>; total: number }>('GET', paths.counts).then(
        (count) => setCounts(count.body.counts),
      );
      const failed = (await Promise.allSettled([paging, counting])).find((r) => r.status === 'rejected');
      setError(failed ? errorText(failed.reason) : undefined);
    },
    props.refreshMs,
    [filterKey, token],
  );
  const rows = useMemo(
    () =>
      html`<${RowList}
        tag="tbody"
        attributes=${{ role: 'rowgroup' }}
        items=${items ?? []}
        spec=${INSTANCE_ROW}
      />`,
    [items],
  );

  const selected = filter.runtimeStatus ? filter.runtimeStatus.split(',') : [];
  const inScope = (status: string) => selected.length === 0 || selected.includes(status);
  const liveCount = RUNTIME_STATUSES.filter((s) => !isFinished(s) && inScope(s)).reduce(
    (n, s) => n + (counts[s] ?? 0),
    0,
  );
  const finishedCount = RUNTIME_STATUSES.filter((s) => isFinished(s) && inScope(s)).reduce(
    (n, s) => n + (counts[s] ?? 0),
    0,
  );
  const bulkFilter = {
    ...Object.fromEntries(Object.entries(common).filter(([, v]) => v !== undefined)),
    ...(selected.length ? { runtimeStatus: selected } : {}),
  };
  const set = (patch: ListFilter) => props.navigate({ ...filter, ...patch });

  return html`<section class="instances">
    <div class="counts" data-testid="counts">
      ${RUNTIME_STATUSES.map(
        (status) =>
          html`<button
            class=${`count status-${status} ${selected.includes(status) ? 'selected' : ''}`}
            data-status=${status}
            title=${`Show only ${status}`}
            onClick=${() => set({ runtimeStatus: selected.length === 1 && selected[0] === status ? undefined : status })}
          >
            <span class="count-label">${status}</span> <span class="count-value">${counts[status] ?? 0}</span>
          </button>`,
      )}
    </div>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <label
        >Orchestrator
        <select
          name="name"
          value=${filter.name ?? ''}
          onChange=${(e: Event) => set({ name: (e.target as HTMLSelectElement).value || undefined })}
        >
          <option value="">any</option>
          ${props.orchestrators.map((name) => html`<option value=${name}>${name}</option>`)}
        </select>
      </label>
      <label
        >Status
        <select
          name="runtimeStatus"
          value=${selected.length === 1 ? selected[0] : ''}
          onChange=${(e: Event) => set({ runtimeStatus: (e.target as HTMLSelectElement).value || undefined })}
        >
          <option value="">any</option>
          ${RUNTIME_STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </label>
      <label
        >Created from
        <input
          type="datetime-local"
          name="createdTimeFrom"
          value=${toLocalInput(filter.createdTimeFrom)}
          onChange=${(e: Event) => set({ createdTimeFrom: toIso((e.target as HTMLInputElement).value) })}
        />
      </label>
      <label
        >Created to
        <input
          type="datetime-local"
          name="createdTimeTo"
          value=${toLocalInput(filter.createdTimeTo)}
          onChange=${(e: Event) => set({ createdTimeTo: toIso((e.target as HTMLInputElement).value) })}
        />
      </label>
      <label
        >Id prefix
        <input
          type="search"
          name="instanceIdPrefix"
          value=${filter.instanceIdPrefix ?? ''}
          placeholder="order-"
          onChange=${(e: Event) => set({ instanceIdPrefix: (e.target as HTMLInputElement).value || undefined })}
        />
      </label>
      <label
        >Page size
        <select
          name="top"
          value=${filter.top ?? '100'}
          onChange=${(e: Event) => set({ top: (e.target as HTMLSelectElement).value })}
        >
          ${['25', '100', '500', '1000'].map((n) => html`<option value=${n}>${n}</option>`)}
        </select>
      </label>
      <button type="button" onClick=${() => props.navigate({})}>Clear</button>
    </form>
    <div class="bulk">
      <button
        class="danger"
        data-testid="bulk-terminate"
        disabled=${liveCount === 0}
        onClick=${() =>
          props.confirm({
            title: 'Terminate the filtered instances',
            message: `Terminate ${liveCount} running instance(s) that match the filter?`,
            confirmLabel: `Terminate ${liveCount}`,
            run: async () => {
              await call('POST', `${ADMIN}/instances/terminate`, {
                body: { filter: bulkFilter, reason: 'Terminated from the devhost dashboard' },
              });
            },
          })}
      >
        Terminate ${liveCount} running
      </button>
      <button
        class="danger"
        data-testid="bulk-purge"
        disabled=${finishedCount === 0}
        onClick=${() =>
          props.confirm({
            title: 'Purge the filtered instances',
            message: `Purge the history of ${finishedCount} finished instance(s) that match the filter? This cannot be undone.`,
            confirmLabel: `Purge ${finishedCount}`,
            run: async () => {
              await call('POST', `${ADMIN}/instances/purge`, { body: { filter: bulkFilter } });
            },
          })}
      >
        Purge ${finishedCount} finished
      </button>
    </div>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <div class="list instance-list" role="table" aria-label="Instances">
      <div role="rowgroup">
        <div class="list-row list-head" role="row">
          <span role="columnheader">Instance</span>
          <span role="columnheader">Orchestrator</span>
          <span role="columnheader">Status</span>
          <span role="columnheader">Progress</span>
          <span role="columnheader">Created</span>
          <span role="columnheader">Last updated</span>
        </div>
      </div>
      ${rows}
    </div>
    ${items && items.length === 0 && html`<p class="empty">No instance matches.</p>`}
    <div class="pager">
      <button disabled=${tokens.length <= 1} onClick=${() => setTokens(tokens.slice(0, -1))}>Previous</button>
      <span>Page ${tokens.length}</span>
      <button disabled=${!next} data-testid="next-page" onClick=${() => setTokens([...tokens, next])}>
        Next
      </button>
    </div>
  </section>`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const INSTANCE_ROW: RowSpec<InstanceSummary> = {
  key: (item) => item.instanceId,
  signature: (item) => JSON.stringify(item),
  build: (item) => {
    const cell = (...children: (Node | string)[]) => el('span', { role: 'cell' }, ...children);
    return el(
      'div',
      { class: 'list-row instance', role: 'row', 'data-instance-id': item.instanceId },
      cell(el('a', { href: `#/instance/${encodeURIComponent(item.instanceId)}` }, item.instanceId)),
      cell(item.name),
      cell(statusBadgeElement(item.runtimeStatus)),
      cell(...customStatusNodes(item.customStatus, true)),
      cell(formatTime(item.createdTime)),
      cell(formatTime(item.lastUpdatedTime)),
    );
  },
};
