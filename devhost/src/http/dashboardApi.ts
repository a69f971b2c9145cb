/**
 * The dashboard's admin routes under `/_devhost/api/`: what the Durable HTTP API does not answer
 * (counts, a name filter, bulk actions over a filter, raw history, waiting instances, firing a
 * timer early, a saved replay test). JSON in and out, the master key when keys are enforced;
 * `cors.ts` has already refused other web pages. Everything else the dashboard does goes through
 * the Durable HTTP API itself, so all of it can be done with curl.
 *
 *   GET  app                                   task hub, keys, orchestrator and entity names
 *   GET  instances?<filter>&top&continuationToken   one page, newest filters applied
 *   GET  counts?<filter>                       instances per runtime status (status filter ignored)
 *   POST instances/terminate  {filter, reason} terminates every matching running instance
 *   POST instances/purge      {filter}         purges every matching finished instance
 *   GET  instances/{id}/history                the current execution's recorded events
 *   GET  instances/{id}/savedTest              the history and a jest test replaying it
 *   GET  waiting                               instances blocked on waitForExternalEvent
 *   POST instances/{id}/timers/{timerId}/fire  fires a pending timer now (absent with --enforce-keys)
 *
 * `<filter>`: `name`, `runtimeStatus` (comma-separated), `createdTimeFrom`, `createdTimeTo`,
 * `instanceIdPrefix`.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { isTerminal, OrchestrationStatus, type RuntimeStatus } from '../protocol/history';
import type { InstanceInspection } from '../durable/client/inspection';
import type { DurableOperations, OrchestrationStatusPayload } from '../durable/client/operations';
import type { HostRequestHandler, PluginKeyChecker } from '../plugins/types';
import { httpErrors, sendError } from './errors';
import { BodyTimeoutError, BodyTooLargeError, sendBodyReadError } from './publicServer';
import { savedReplayTest } from './savedTest';

export const DASHBOARD_API_PATH = '/_devhost/api/';
const MAX_TOP = 1000;
const SCAN_PAGE = 1000;
const STATUSES = Object.keys(OrchestrationStatus).filter((k) => Number.isNaN(Number(k))) as RuntimeStatus[];

export interface DashboardApiOptions {
  operations: DurableOperations;
  inspection: InstanceInspection;
  keys: PluginKeyChecker;
}

const isoDate = z.iso.datetime({ offset: true }).transform((text) => new Date(text));
const filterSchema = z.strictObject({
  name: z.string().min(1).max(400).optional(),
  runtimeStatus: z.array(z.enum(STATUSES as [RuntimeStatus, ...RuntimeStatus[]])).optional(),
  createdTimeFrom: isoDate.optional(),
  createdTimeTo: isoDate.optional(),
  instanceIdPrefix: z.string().min(1).max(400).optional(),
});
type Filter = z.infer<typeof filterSchema>;

const bulkSchema = z.strictObject({
  filter: filterSchema.default({}),
  reason: z.string().max(2000).optional(),
});

class BadInput extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function createDashboardApi(options: DashboardApiOptions): HostRequestHandler {
  const { operations, inspection, keys } = options;
  return async (req, res, context) => {
    if (!keys.check('admin', { headers: req.headers, url: context.url })) {
      req.resume();
      // With a body, unlike the host's empty 401: the dashboard shows it and asks for the key.
      sendError(
        res,
        { ...httpErrors.unauthorized, emptyBody: false },
        'The dashboard API needs the master key.',
      );
      return;
    }
    const path = context.url.pathname.slice(DASHBOARD_API_PATH.length).replace(/\/+$/, '');
    const segments = path === '' ? [] : path.split('/').map(safeDecode);
    const method = (req.method ?? 'GET').toUpperCase();
    const query = context.url.searchParams;
    try {
      const [first, id, third, timerId, fifth] = segments;
      if (method === 'GET' && segments.length === 1 && first === 'app') {
        return sendJson(res, 200, {
          taskHub: operations.taskHubName,
          enforceKeys: keys.enforced,
          fireTimers: !keys.enforced,
          ...inspection.functionNames(),
        });
      }
      if (method === 'GET' && segments.length === 1 && first === 'instances') {
        return sendJson(res, 200, await listPage(operations, query));
      }
      if (method === 'GET' && segments.length === 1 && first === 'counts') {
        return sendJson(res, 200, await countByStatus(operations, readFilter(query, { withStatus: false })));
      }
      if (method === 'GET' && segments.length === 1 && first === 'waiting') {
        return sendJson(res, 200, { instances: await inspection.waitingInstances() });
      }
      if (
        method === 'POST' &&
        segments.length === 2 &&
        first === 'instances' &&
        (id === 'terminate' || id === 'purge')
      ) {
        const body = parseBody(bulkSchema, await readJson(() => context.readBody()));
        return sendJson(res, 200, await bulk(operations, id, body.filter, body.reason ?? null));
      }
      if (method === 'GET' && segments.length === 3 && first === 'instances' && third === 'history') {
        const events = await operations.getHistory(id!);
        if (!events) return sendError(res, httpErrors.instanceNotFound, `No instance '${id}'.`, 'instanceId');
        return sendJson(res, 200, { instanceId: id, events });
      }
      if (method === 'GET' && segments.length === 3 && first === 'instances' && third === 'savedTest') {
        const [status, events] = await Promise.all([operations.getStatus(id!), operations.getHistory(id!)]);
        if (!status || !events)
          return sendError(res, httpErrors.instanceNotFound, `No instance '${id}'.`, 'instanceId');
        return sendJson(res, 200, savedReplayTest(status, events));
      }
      if (segments.length === 5 && first === 'instances' && third === 'timers' && fifth === 'fire') {
        // Local convenience only: with keys enforced, devhost behaves as Azure, where timers cannot be hurried.
        if (keys.enforced || method !== 'POST') {
          req.resume();
          return sendError(res, httpErrors.routeNotFound);
        }
        req.resume();
        const timer = Number(timerId);
        if (!Number.isInteger(timer) || timer < 0) {
          throw new BadInput(
            'timerId',
            `'timerId' must be a timer's sequence id (a whole number), got '${timerId}'.`,
          );
        }
        return sendFireResult(res, id!, await inspection.fireTimerNow(id!, timer));
      }
      req.resume();
      sendError(res, httpErrors.dashboardRouteNotFound, `${method} ${DASHBOARD_API_PATH}${path}`);
    } catch (error) {
      if (error instanceof BadInput) return sendError(res, httpErrors.badRequest, error.message, error.field);
      if (error instanceof BodyTooLargeError || error instanceof BodyTimeoutError)
        return sendBodyReadError(res, error);
      throw error;
    }
  };
}

function sendFireResult(
  res: ServerResponse,
  instanceId: string,
  result: Awaited<ReturnType<InstanceInspection['fireTimerNow']>>,
): void {
  switch (result.kind) {
    case 'fired':
      return sendJson(res, 202, { instanceId, fireAt: result.fireAt, firedAt: result.firedAt });
    case 'notFound':
      return sendError(res, httpErrors.instanceNotFound, `No instance '${instanceId}'.`, 'instanceId');
    case 'gone':
      return sendError(
        res,
        httpErrors.instanceNotRunning,
        `'${instanceId}' is ${result.runtimeStatus}.`,
        'instanceId',
      );
    case 'notPending':
      return sendError(res, httpErrors.instanceNotRunning, result.reason, 'timerId');
  }
}

/** One page: the store's pages, filtered by name, cut at `top`; the token says where the cut fell. */
async function listPage(operations: DurableOperations, query: URLSearchParams) {
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

async function countByStatus(operations: DurableOperations, filter: Filter) {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<RuntimeStatus, number>;
  let total = 0;
  await forEachMatch(operations, filter, (row) => {
    counts[row.runtimeStatus] += 1;
    total += 1;
  });
  return { counts, total };
}

async function bulk(
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

function readFilter(query: URLSearchParams, options: { withStatus: boolean }): Filter {
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

function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new BadInput(field, `'${field}': ${issue.message}.`);
}

async function readJson(readBody: () => Promise<Buffer>): Promise<unknown> {
  const body = await readBody();
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new BadInput('body', 'The body is not valid JSON.');
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', String(bytes.length));
  res.end(bytes);
}
