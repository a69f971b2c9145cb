/**
 * The host's admin endpoints a developer uses locally: `POST /admin/functions/{name}` runs a
 * non-HTTP function once (`{"input": "..."}`, 202 Accepted), as `func start` and the portal's
 * "Test/Run" do; `GET /admin/host/status` says the host is running. Both need the master key
 * when keys are enforced.
 */
import { hostVersion } from '../worker/coreModule';
import type { FunctionAppHandle, RpcTypedData } from '../worker/types';
import type { HostRequestHandler } from '../plugins/types';
import { httpErrors, sendError } from './errors';
import type { KeyChecker } from './keys';
import { sendBodyReadError } from './publicServer';

/** Triggers with their own way in (a URL, the durable client): the admin API does not run them. */
const notRunnable: Record<string, string> = {
  httptrigger: 'call its URL instead',
  orchestrationtrigger: 'start it through the durable client instead',
  activitytrigger: 'call it from an orchestration instead',
  entitytrigger: 'signal it through the durable client instead',
};

export function createAdminApi(options: { app: FunctionAppHandle; keys: KeyChecker }): HostRequestHandler {
  const started = Date.now();
  return async (req, res, context) => {
    const url = context.url;
    if (!options.keys.check('admin', { headers: req.headers, url })) {
      req.resume();
      sendError(res, httpErrors.unauthorized);
      return;
    }
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path.toLowerCase() === '/admin/host/status') {
      sendJson(res, 200, { state: 'Running', version: hostVersion, processUptime: Date.now() - started });
      return;
    }
    const match = /^\/admin\/functions\/([^/]+)$/i.exec(path);
    if (req.method !== 'POST' || !match) {
      req.resume();
      sendError(res, httpErrors.routeNotFound);
      return;
    }
    const name = decodedName(match[1]!);
    if (name === undefined) {
      req.resume();
      sendError(
        res,
        httpErrors.badRequest,
        'The function name in the path is not valid percent-encoding.',
        'name',
      );
      return;
    }
    const fn = options.app.functions().find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!fn) {
      req.resume();
      sendError(res, httpErrors.routeNotFound);
      return;
    }
    const reason = notRunnable[fn.trigger.type.toLowerCase()];
    if (reason) {
      req.resume();
      sendError(res, httpErrors.badRequest, `'${fn.name}' has a ${fn.trigger.type}: ${reason}.`);
      return;
    }
    let input: string;
    try {
      input = parseInput(await context.readBody());
    } catch (err) {
      sendBodyReadError(res, err);
      return;
    }
    // Accepted now, run in the background, as the host does; the invocation logs its outcome.
    void options.app.invoke({ functionName: fn.name, triggerData: triggerData(fn.trigger.type, input) });
    res.statusCode = 202;
    res.setHeader('content-length', '0');
    res.end();
  };
}

function decodedName(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function parseInput(body: Buffer): string {
  if (body.length === 0) return '';
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('The body must be JSON like {"input": "..."}.');
  }
  const input = (doc as { input?: unknown } | null)?.input;
  if (input === undefined || input === null) return '';
  if (typeof input !== 'string') throw new Error('"input" must be a string.');
  return input;
}

/** A timer run by hand gets the TimerInfo the host would pass (not past due, no schedule status). */
function triggerData(triggerType: string, input: string): RpcTypedData {
  if (triggerType.toLowerCase() === 'timertrigger') {
    return {
      json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: false }),
    };
  }
  return { string: input };
}

function sendJson(res: Parameters<HostRequestHandler>[1], status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', String(bytes.length));
  res.end(bytes);
}
