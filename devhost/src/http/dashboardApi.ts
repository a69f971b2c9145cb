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
 * `instanceIdPrefix`; reading it, paging, counts and bulk actions are in `dashboardFilter.ts`.
 */
import type { ServerResponse } from 'node:http';
import type { InstanceInspection } from '../durable/client/inspection';
import type { DurableOperations } from '../durable/client/operations';
import type { HostRequestHandler, PluginKeyChecker } from '../plugins/types';
import {
  BadInput,
  bulk,
  bulkSchema,
  countByStatus,
  listPage,
  parseBody,
  readFilter,
} from './dashboardFilter';
import { httpErrors, sendError } from './errors';
import { BodyTimeoutError, BodyTooLargeError, sendBodyReadError } from './publicServer';
import { savedReplayTest } from './savedTest';

export const DASHBOARD_API_PATH = '/_devhost/api/';

export interface DashboardApiOptions {
  operations: DurableOperations;
  inspection: InstanceInspection;
  keys: PluginKeyChecker;
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
