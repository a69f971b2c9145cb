/**
 * The instance set the dashboard lists, counts and acts on in bulk: the filter read from the query
 * (`name`, `runtimeStatus`, `createdTimeFrom`, `createdTimeTo`, `instanceIdPrefix`), applied to the
 * store's pages with the name filter on top, pages cut at `top` with a continuation token of this
 * API's own, counts per runtime status, and bulk terminate or purge. Bad input is a `BadInput`
 * naming its field.
 */
import { z } from 'zod';
import { isTerminal, OrchestrationStatus, type RuntimeStatus } from '../protocol/history';
import type { DurableOperations, OrchestrationStatusPayload } from '../durable/client/operations';

const MAX_TOP = 1000;
const SCAN_PAGE = 1000;
const STATUSES = Object.keys(OrchestrationStatus).filter((k) => Number.isNaN(Number(k))) as RuntimeStatus[];

const isoDate = z.iso.datetime({ offset: true }).transform((text) => new Date(text));
const filterSchema = z.strictObject({
  name: z.string().min(1).max(400).optional(),
  runtimeStatus: z.array(z.enum(STATUSES as [RuntimeStatus, ...RuntimeStatus[]])).optional(),
  createdTimeFrom: isoDate.optional(),
  createdTimeTo: isoDate.optional(),
  instanceIdPrefix: z.string().min(1).max(400).optional(),
});
type Filter = z.infer<typeof filterSchema>;

export const bulkSchema = z.strictObject({
  filter: filterSchema.default({}),
  reason: z.string().max(2000).optional(),
});

/** Input the client got wrong: the API answers 400 naming `field`. */
export class BadInput extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** One page: the store's pages, filtered by name, cut at `top`; the token says where the cut fell. */
export async function listPage(operations: DurableOperations, query: URLSearchParams) {
  const filter = readFilter(query, { withStatus: true });
  const top = readTop(query.get('top'));
  const resume = readToken(query.get('continuationToken'));
  const pageSize = resume?.p ?? top;
  let storeToken = resume?.t ?? undefined;
  let skip = resume?.s ?? 0;
  const items: OrchestrationStatusPayload[] = [];
  for (;;) {
    const page = await operations.listInstances({
      ...storeFilter(filter),
      top: pageSize,
      showInput: false,
      ...(storeToken ? { continuationToken: storeToken } : {}),
    });
    let index = skip;
    skip = 0;
    for (; index < page.items.length && items.length < top; index++) {
      const row = page.items[index]!;
      if (matchesName(filter, row)) items.push(row);
    }
    if (items.length === top && index < page.items.length) {
      return {
        items: items.map(summary),
        continuationToken: writeToken({ t: storeToken ?? null, s: index, p: pageSize }),
      };
    }
    if (!page.continuationToken) return { items: items.map(summary) };
    if (items.length === top) {
      return {
        items: items.map(summary),
        continuationToken: writeToken({ t: page.continuationToken, s: 0, p: pageSize }),
      };
    }
    storeToken = page.continuationToken;
  }
}

export async function countByStatus(operations: DurableOperations, filter: Filter) {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<RuntimeStatus, number>;
  let total = 0;
  await forEachMatch(operations, filter, (row) => {
    counts[row.runtimeStatus] += 1;
    total += 1;
  });
  return { counts, total };
}

export async function bulk(
  operations: DurableOperations,
  action: 'terminate' | 'purge',
  filter: Filter,
  reason: string | null,
) {
  const targets: OrchestrationStatusPayload[] = [];
  await forEachMatch(operations, filter, (row) => {
    // Terminate acts on live instances, purge on finished ones: the same rules as one at a time.
    if (action === 'terminate' ? !isTerminal(row.runtimeStatus) : isTerminal(row.runtimeStatus))
      targets.push(row);
  });
  let done = 0;
  for (const row of targets) {
    if (action === 'terminate') {
      if ((await operations.terminate(row.instanceId, reason)) === 'accepted') done += 1;
    } else {
      done += await operations.purge(row.instanceId);
    }
  }
  return action === 'terminate' ? { terminated: done } : { purged: done };
}

async function forEachMatch(
  operations: DurableOperations,
  filter: Filter,
  visit: (row: OrchestrationStatusPayload) => void,
): Promise<void> {
  let token: string | undefined;
  do {
    const page = await operations.listInstances({
      ...storeFilter(filter),
      top: SCAN_PAGE,
      showInput: false,
      ...(token ? { continuationToken: token } : {}),
    });
    for (const row of page.items) if (matchesName(filter, row)) visit(row);
    token = page.continuationToken;
  } while (token);
}

function storeFilter(filter: Filter) {
  return {
    ...(filter.instanceIdPrefix !== undefined ? { instanceIdPrefix: filter.instanceIdPrefix } : {}),
    ...(filter.createdTimeFrom ? { createdTimeFrom: filter.createdTimeFrom } : {}),
    ...(filter.createdTimeTo ? { createdTimeTo: filter.createdTimeTo } : {}),
    ...(filter.runtimeStatus?.length ? { runtimeStatus: filter.runtimeStatus } : {}),
  };
}

function matchesName(filter: Filter, row: OrchestrationStatusPayload): boolean {
  return filter.name === undefined || row.name.toLowerCase() === filter.name.toLowerCase();
}

function summary(row: OrchestrationStatusPayload) {
  return {
    instanceId: row.instanceId,
    name: row.name,
    runtimeStatus: row.runtimeStatus,
    createdTime: row.createdTime,
    lastUpdatedTime: row.lastUpdatedTime,
    customStatus: row.customStatus,
  };
}

export function readFilter(query: URLSearchParams, options: { withStatus: boolean }): Filter {
  const raw: Record<string, unknown> = {};
  for (const key of ['name', 'createdTimeFrom', 'createdTimeTo', 'instanceIdPrefix']) {
    const value = query.get(key);
    if (value !== null && value !== '') raw[key] = value;
  }
  const status = query.get('runtimeStatus');
  if (options.withStatus && status)
    raw.runtimeStatus = status
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return parseBody(filterSchema, raw);
}

function readTop(raw: string | null): number {
  if (raw === null || raw === '') return 100;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
    throw new BadInput('top', `'top' must be a whole number from 1 to ${MAX_TOP}.`);
  }
  return top;
}

interface PageToken {
  /** The store's token for the page the cut fell in (null: the first page). */
  t: string | null;
  /** Rows of that page already returned. */
  s: number;
  /** The store page size the token was made with. */
  p: number;
}

const tokenSchema = z.strictObject({
  t: z.string().nullable(),
  s: z.number().int().min(0),
  p: z.number().int().min(1).max(MAX_TOP),
});

function writeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function readToken(raw: string | null): PageToken | undefined {
  if (raw === null || raw === '') return undefined;
  try {
    return tokenSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw new BadInput('continuationToken', "'continuationToken' is not one this API handed out.");
  }
}

export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new BadInput(field, `'${field}': ${issue.message}.`);
}
