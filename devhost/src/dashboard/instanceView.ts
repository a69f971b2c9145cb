/**
 * One instance: its status, input, output, custom status (progress bar and step, live), failure
 * details, the history as a timeline, the actions the API allows in its status, and "save as test".
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { ADMIN, call, DURABLE, queryString, segment } from './api';
import { html } from './html';
import { isFinished, refusal, type InstanceAction, type RuntimeStatus } from './rules';
import type { RecordedEvent } from './timeline';
import { TimelineView } from './timelineView';
import {
  type ConfirmRequest,
  CustomStatusSummary,
  formatTime,
  Json,
  JsonEditor,
  parseJsonText,
  StatusBadge,
  usePoll,
} from './widgets';

interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
}

interface SavedTest {
  historyFile: string;
  history: unknown;
  testFile: string;
  testSource: string;
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The calls behind an instance's page (also made early, before the view mounts: main.ts). */
export function instancePaths(instanceId: string): { status: string; history: string } {
  return {
    status: `${DURABLE}/instances/${segment(instanceId)}${queryString({ showInput: true })}`,
    history: `${ADMIN}/instances/${segment(instanceId)}/history`,
  };
}

export function InstanceView(props: {
  instanceId: string;
  confirm: (request: ConfirmRequest) => void;
  refreshMs: number;
}) {
  const { instanceId } = props;
  const [status, setStatus] = useState<InstanceStatus | undefined>();
  const [events, setEvents] = useState<RecordedEvent[]>([]);
  const [polledAt, setPolledAt] = useState(0);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const shown = useRef({ status: '', history: '' });
  const base = `${DURABLE}/instances/${segment(instanceId)}`;

  usePoll(
    async () => {
      const paths = instancePaths(instanceId);
      try {
        // The first time, status and history together; then the history only when the status moved.
        const first = shown.current.history === '';
        const history = first ? call<{ events: RecordedEvent[] }>('GET', paths.history) : undefined;
        history?.catch(() => undefined);
        const reply = await call<InstanceStatus>('GET', paths.status);
        setMissing(false);
        setError(undefined);
        setPolledAt(Date.now());
        const stamp = `${reply.body.lastUpdatedTime}|${reply.body.runtimeStatus}`;
        if (reply.text !== shown.current.status) {
          shown.current.status = reply.text;
          setStatus(reply.body);
        }
        if (first || stamp !== shown.current.history) {
          const recorded = await (history ?? call<{ events: RecordedEvent[] }>('GET', paths.history));
          setEvents(recorded.body.events);
          shown.current.history = stamp;
        }
      } catch (err) {
        if ((err as { status?: number }).status === 404) setMissing(true);
        else setError(err instanceof Error ? err.message : String(err));
      }
    },
    props.refreshMs,
    [instanceId],
  );
  const finished = status !== undefined && isFinished(status.runtimeStatus);
  // A finished instance's timeline never changes; a live one's pending bars grow at each poll.
  const timeline = useMemo(
    () => html`<${TimelineView} events=${events} finished=${finished} now=${polledAt} />`,
    [events, finished, finished ? 0 : polledAt],
  );

  if (missing)
    return html`<section>
      <p class="empty" data-testid="missing">
        No instance <code>${instanceId}</code> (it may have been purged).
      </p>
      <a href="#/">Back to the list</a>
    </section>`;
  if (!status)
    return html`<section>
      <p>Loading ${instanceId}…</p>
      ${error && html`<p class="error">${error}</p>`}
    </section>`;

  const failure = failureDetails(status, events);
  return html`<section class="instance-detail">
    <h2>
      <span class="instance-id" data-testid="instance-id">${status.instanceId}</span>
      <${StatusBadge} status=${status.runtimeStatus} />
    </h2>
    <p class="meta">
      ${status.name} · created ${formatTime(status.createdTime)} · updated
      ${formatTime(status.lastUpdatedTime)}
    </p>
    <div class="live-status"><${CustomStatusSummary} customStatus=${status.customStatus} /></div>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <${Actions} status=${status} base=${base} confirm=${props.confirm} />
    <div class="panels">
      <div>
        <h3>Input</h3>
        <${Json} value=${status.input} />
      </div>
      <div>
        <h3>Output</h3>
        <${Json} value=${status.output} />
      </div>
      <div>
        <h3>Custom status</h3>
        <${Json} value=${status.customStatus} />
      </div>
      ${
        failure &&
        html`<div class="failure">
          <h3>Failure</h3>
          <${Json} value=${failure} />
        </div>`
      }
    </div>
    <h3>
      Timeline <small>${events.length} history events</small>
      <button class="small" data-testid="save-test" onClick=${() => void saveAsTest(instanceId)}>
        Save as test
      </button>
    </h3>
    ${timeline}
  </section>`;
}

async function saveAsTest(instanceId: string): Promise<void> {
  const reply = await call<SavedTest>('GET', `${ADMIN}/instances/${segment(instanceId)}/savedTest`);
  download(reply.body.historyFile, JSON.stringify(reply.body.history, null, 2), 'application/json');
  download(reply.body.testFile, reply.body.testSource, 'text/plain');
}

function failureDetails(status: InstanceStatus, events: RecordedEvent[]): unknown {
  if (status.runtimeStatus !== 'Failed') return undefined;
  const ending = events.find((e) => e.EventType === 1);
  const failedTasks = events
    .filter((e) => e.EventType === 6 || e.EventType === 9)
    .map((e) => ({ reason: e.Reason, details: e.Details }));
  return {
    output: status.output,
    ...(ending?.FailureDetails ? { failureDetails: ending.FailureDetails } : {}),
    failedTasks,
  };
}

const ACTIONS: {
  action: Exclude<InstanceAction, 'raiseEvent'>;
  label: string;
  describe: (id: string) => string;
}[] = [
  {
    action: 'terminate',
    label: 'Terminate',
    describe: (id) => `Terminate ${id}? Its work stops and it ends as Terminated.`,
  },
  {
    action: 'suspend',
    label: 'Suspend',
    describe: (id) => `Suspend ${id}? It keeps its messages and does nothing until resumed.`,
  },
  { action: 'resume', label: 'Resume', describe: (id) => `Resume ${id}?` },
  { action: 'rewind', label: 'Rewind', describe: (id) => `Rewind ${id}? Its failed calls run again.` },
  {
    action: 'restart',
    label: 'Restart',
    describe: (id) => `Restart ${id} with its original input, under the same id?`,
  },
  {
    action: 'purge',
    label: 'Purge',
    describe: (id) => `Purge ${id}? Its status and history are deleted; this cannot be undone.`,
  },
];

function Actions(props: {
  status: InstanceStatus;
  base: string;
  confirm: (request: ConfirmRequest) => void;
}) {
  const { status, base } = props;
  const [eventName, setEventName] = useState('');
  const [payload, setPayload] = useState('{}');
  const [sent, setSent] = useState<string | undefined>();
  const raiseRefusal = refusal('raiseEvent', status.runtimeStatus);
  const parsed = parseJsonText(payload);
  const reason = 'Requested from the devhost dashboard';
  const run = async (action: Exclude<InstanceAction, 'raiseEvent'>): Promise<void> => {
    if (action === 'purge') await call('DELETE', base);
    else if (action === 'restart')
      await call('POST', `${base}/restart${queryString({ restartWithNewInstanceId: false })}`);
    else await call('POST', `${base}/${action}${queryString({ reason })}`);
  };
  return html`<div class="actions">
    <div class="action-buttons">
      ${ACTIONS.map(({ action, label, describe }) => {
        const why = refusal(action, status.runtimeStatus);
        return html`<span class="action">
          <button
            data-action=${action}
            disabled=${why !== undefined}
            title=${why ?? ''}
            onClick=${() => props.confirm({ title: label, message: describe(status.instanceId), confirmLabel: label, run: () => run(action) })}
          >
            ${label}
          </button>
          ${why && html`<small class="why" data-why=${action}>${why}</small>`}
        </span>`;
      })}
    </div>
    <form class="raise-event" onSubmit=${(e: Event) => e.preventDefault()}>
      <h3>Raise event</h3>
      ${raiseRefusal && html`<small class="why" data-why="raiseEvent">${raiseRefusal}</small>`}
      <label
        >Event name
        <input
          name="eventName"
          value=${eventName}
          onInput=${(e: Event) => setEventName((e.target as HTMLInputElement).value)}
      /></label>
      <${JsonEditor} label="Event data (JSON)" name="eventData" value=${payload} onInput=${setPayload} />
      <button
        data-action="raiseEvent"
        disabled=${raiseRefusal !== undefined || !parsed.ok || eventName.trim() === ''}
        onClick=${() =>
          props.confirm({
            title: 'Raise event',
            message: `Send the event '${eventName}' to ${status.instanceId}?`,
            confirmLabel: 'Send event',
            run: async () => {
              if (!parsed.ok) return;
              await call('POST', `${base}/raiseEvent/${segment(eventName)}`, { body: parsed.value });
              setSent(`Sent ${eventName}.`);
            },
          })}
      >
        Send event
      </button>
      ${sent && html`<small class="ok">${sent}</small>`}
    </form>
  </div>`;
}
