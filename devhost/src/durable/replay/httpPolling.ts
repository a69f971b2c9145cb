/**
 * `CallHttpAsync` (extension) mirrored by the SDK's `CallHttpWithPollingTask`: the request runs as the
 * built-in activity; while it answers 202 with a `Location`, wait (Retry-After seconds, else the
 * default sleep) on a timer and GET the location, each step taking its own sequence id.
 */
import type { DurableHttpRequestJson } from '../../protocol/actions';
import type { DtfContext } from './dtfContext';
import { HostTask } from './hostTask';

export const HTTP_ACTIVITY_NAME = 'BuiltIn::HttpActivity';

interface DurableHttpResponseJson {
  statusCode: number;
  headers?: Record<string, string | string[]>;
  content?: string;
}

function header(response: DurableHttpResponseJson, name: string): string | undefined {
  const key = Object.keys(response.headers ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : response.headers?.[key];
  return Array.isArray(value) ? value[0] : value;
}

function parseResponse(result: string | null): DurableHttpResponseJson | undefined {
  if (result === null) return undefined;
  try {
    const parsed = JSON.parse(result) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as DurableHttpResponseJson).statusCode === 'number'
    ) {
      return parsed as DurableHttpResponseJson;
    }
  } catch {
    // falls through: not a response the poller can follow
  }
  return undefined;
}

/** The follow-up GET: same headers minus the function key, which rarely opens the status endpoint. */
export function locationPollRequest(
  request: DurableHttpRequestJson,
  location: string,
): DurableHttpRequestJson {
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'x-functions-key'),
  );
  return {
    method: 'GET',
    uri: location,
    headers,
    ...(request.tokenSource !== undefined ? { tokenSource: request.tokenSource } : {}),
    asynchronousPatternEnabled: request.asynchronousPatternEnabled ?? true,
  };
}

export function callHttp(ctx: DtfContext, request: DurableHttpRequestJson, defaultSleepMs: number): HostTask {
  const result = new HostTask();
  const send = (req: DurableHttpRequestJson): void => {
    const call = ctx.scheduleTask(HTTP_ACTIVITY_NAME, req, req);
    call.whenDone(() => {
      const outcome = call.outcome;
      if (outcome === undefined || !outcome.ok) {
        result.settle(outcome ?? { ok: false, reason: 'The HTTP activity ended without an outcome.' });
        return;
      }
      const response = parseResponse(outcome.result);
      const location = response === undefined ? undefined : header(response, 'Location');
      // Polling needs a Location as the SDK requires; without one both sides stop at the 202.
      if (
        response?.statusCode !== 202 ||
        request.asynchronousPatternEnabled === false ||
        location === undefined
      ) {
        result.settle(outcome);
        return;
      }
      const retryAfter = header(response, 'Retry-After');
      const seconds = retryAfter === undefined ? Number.NaN : Number.parseInt(retryAfter, 10);
      const delayMs = Number.isFinite(seconds) ? seconds * 1000 : defaultSleepMs;
      ctx.createTimer(ctx.nowMs + delayMs).whenDone(() => send(locationPollRequest(request, location)));
    });
  };
  send(request);
  return result;
}
