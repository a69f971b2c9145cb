/**
 * Serves function routes: match → key check → read body → invoke through the worker seam →
 * write the function's HTTP response. The request pipeline of the host's
 * FunctionInvocationMiddleware, with Azure's statuses (404, 401, 413, 500), and the time limit
 * Azure's front end puts on an HTTP answer (504; the invocation itself runs on).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isFunctionDisabled } from '../config/appSettings';
import type { Logger } from '../log/logger';
import type { FunctionAppHandle, InvocationOutcome, RpcTypedData } from '../worker/types';
import { httpErrors, sendError } from './errors';
import { fromRpcHttp, HttpResultError, toRpcHttp, type OutgoingHttp } from './httpConversion';
import { grantFor, keyFromRequest, type KeyChecker } from './keys';
import { sendBodyReadError, type RequestContext, type RequestHandler } from './publicServer';
import { findEmptyParameter, matchRoute, type HttpRoute } from './routeTable';

export interface FunctionsState {
  app: FunctionAppHandle;
  routes: readonly HttpRoute[];
}

export interface FunctionsHandlerOptions {
  /** The current app and its routes (they change when `--watch` reloads the app). */
  state(): FunctionsState | undefined;
  keys: KeyChecker;
  logger: Logger;
  /** The app settings (`AzureWebJobs.<name>.Disabled`). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * How long a function may take to answer before the client gets 504 (Azure's front end cuts at
   * 230 s whatever functionTimeout says; see docs/differences.md). Undefined: no limit.
   */
  httpFunctionTimeoutMs?: number;
}

/** The default of `httpFunctionTimeoutMs`: Azure's 230 s limit on an HTTP answer. */
export const defaultHttpFunctionTimeoutMs = 230_000;

export function createFunctionsHandler(options: FunctionsHandlerOptions): RequestHandler {
  return async (req: IncomingMessage, res: ServerResponse, context: RequestContext) => {
    const state = options.state();
    if (!state) {
      sendError(res, httpErrors.hostStopping);
      return;
    }
    const method = req.method ?? 'GET';
    const match = matchRoute(state.routes, method, context.url.pathname);
    if (!match) {
      req.resume();
      if (context.url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
        sendHomePage(res, method);
        return;
      }
      // Still 404, as on Azure, but saying which value is missing to a caller the route would admit.
      const empty = findEmptyParameter(state.routes, method, context.url.pathname);
      if (empty && options.keys.check(empty.route.authLevel, { headers: req.headers, url: context.url })) {
        sendError(
          res,
          httpErrors.routeParameterEmpty,
          `'${empty.parameter}' of ${empty.route.functionName} (${empty.route.template.text}) must not be empty.`,
          empty.parameter,
        );
        return;
      }
      sendError(res, httpErrors.routeNotFound);
      return;
    }
    // A disabled function answers 404 unless the master key is sent, keys enforced or not (Azure).
    if (
      isFunctionDisabled(match.route.functionName, options.env) &&
      grantFor(options.keys.keys, keyFromRequest(req.headers, context.url))?.kind !== 'master'
    ) {
      req.resume();
      sendError(res, httpErrors.functionDisabled);
      return;
    }
    if (!options.keys.check(match.route.authLevel, { headers: req.headers, url: context.url })) {
      req.resume();
      sendError(res, httpErrors.unauthorized);
      return;
    }
    let body: Buffer;
    try {
      body = await context.readBody();
    } catch (err) {
      sendBodyReadError(res, err);
      return;
    }
    const http = toRpcHttp({
      method,
      url: context.url.href,
      rawHeaders: req.rawHeaders,
      body,
      params: match.params,
    });
    const invocationId = randomUUID();
    const outcome = await withinLimit(
      state.app.invoke({
        functionName: match.route.functionName,
        triggerData: { http },
        origin: context.url.origin,
        invocationId,
      }),
      options.httpFunctionTimeoutMs,
    );
    if (outcome === 'timedOut') {
      // The invocation is not cancelled (the host cannot cancel it either): its outcome is logged
      // when it ends, or functionTimeout fails it.
      options.logger.warn(
        `Function '${match.route.functionName}' (Id=${invocationId}) did not answer within ` +
          `${options.httpFunctionTimeoutMs} ms: the client got 504; the invocation runs on.`,
        { function: match.route.functionName, invocationId },
      );
      sendError(res, httpErrors.httpFunctionTimeout);
      return;
    }
    if (outcome.status === 'failure') {
      sendError(res, httpErrors.functionFailed);
      return;
    }
    let response: OutgoingHttp;
    try {
      response = fromRpcHttp(httpOutput(state.app, match.route.functionName, outcome), method);
    } catch (err) {
      if (!(err instanceof HttpResultError)) throw err;
      options.logger.error(
        `Function '${match.route.functionName}' returned an unusable HTTP response: ${err.message}`,
        {
          function: match.route.functionName,
          invocationId: outcome.invocationId,
        },
      );
      sendError(res, httpErrors.functionFailed);
      return;
    }
    try {
      writeResponse(res, response);
    } catch (err) {
      // Node rejects header names or values the function built badly (e.g. with a newline).
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!code.startsWith('ERR_INVALID_') && !code.startsWith('ERR_HTTP_INVALID_')) throw err;
      options.logger.error(
        `Function '${match.route.functionName}' returned an invalid HTTP header: ${(err as Error).message}`,
        {
          function: match.route.functionName,
          invocationId: outcome.invocationId,
        },
      );
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      sendError(res, httpErrors.functionFailed);
    }
  };
}

/** The invocation's outcome, or `timedOut` once `limitMs` passed first (the invocation goes on). */
async function withinLimit(
  invocation: Promise<InvocationOutcome>,
  limitMs: number | undefined,
): Promise<InvocationOutcome | 'timedOut'> {
  if (limitMs === undefined) return invocation;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timedOut'>((resolve) => {
    timer = setTimeout(() => resolve('timedOut'), limitMs);
  });
  try {
    return await Promise.race([invocation, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The value of the function's http output binding (`$return`, or a named http output). */
function httpOutput(
  app: FunctionAppHandle,
  functionName: string,
  outcome: InvocationOutcome,
): RpcTypedData | undefined {
  if (outcome.status !== 'success') return undefined;
  const bindings = app.getFunction(functionName)?.metadata.bindings ?? {};
  const returnBinding = bindings.$return;
  if (returnBinding && returnBinding.type.toLowerCase() === 'http') return outcome.returnValue;
  for (const [name, binding] of Object.entries(bindings)) {
    if (binding.direction === 'out' && binding.type.toLowerCase() === 'http') {
      return outcome.outputData.find((o) => o.name === name)?.data;
    }
  }
  return undefined;
}

/** Framing headers are the server's job: a function cannot make the response lie about its body. */
const framingHeaders = new Set(['content-length', 'transfer-encoding', 'connection']);

function writeResponse(res: ServerResponse, response: OutgoingHttp): void {
  res.statusCode = response.status;
  const cookies: string[] = [];
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') cookies.push(value);
    else if (!framingHeaders.has(name)) res.setHeader(name, value);
  }
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.setHeader('content-length', String(response.body.length));
  res.end(response.body);
}

/** The host answers `/` (when no function claims it) with a page saying the app is running. */
function sendHomePage(res: ServerResponse, method: string): void {
  const body = Buffer.from(
    '<!DOCTYPE html><html><head><title>devhost</title></head><body>' +
      '<h1>Your Functions 4.0 app is up and running</h1><p>Served by devhost.</p></body></html>',
  );
  res.statusCode = 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('content-length', String(body.length));
  res.end(method === 'HEAD' ? undefined : body);
}
