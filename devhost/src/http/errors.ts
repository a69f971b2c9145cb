/**
 * devhost's own HTTP errors: a stable code, a status, and a message a user can act on. Where the
 * Azure host answers with an empty body (no route, missing key, a function that failed), devhost
 * does too and names the code in the `x-devhost-error` header only, so apps see what Azure sends.
 */
import type { ServerResponse } from 'node:http';

export interface HttpErrorSpec {
  code: string;
  status: number;
  message: string;
  /** Azure sends no body for this one. */
  emptyBody?: boolean;
  /** Sent as `Retry-After` (seconds): the error is temporary. */
  retryAfterSeconds?: number;
}

export const httpErrors = {
  routeNotFound: {
    code: 'ROUTE_NOT_FOUND',
    status: 404,
    message: 'No function matches this path and method. Check the route, the route prefix and the methods.',
    emptyBody: true,
  },
  functionDisabled: {
    code: 'FUNCTION_DISABLED',
    status: 404,
    message:
      'This function is disabled (app setting AzureWebJobs.<name>.Disabled); as on Azure, only a request with the master key runs it.',
    emptyBody: true,
  },
  routeParameterEmpty: {
    code: 'ROUTE_PARAMETER_EMPTY',
    status: 404,
    message:
      'No function matches this path: a route parameter is empty (the Functions host answers 404 too).',
  },
  unauthorized: {
    code: 'UNAUTHORIZED',
    status: 401,
    message: 'This function needs a key: send it in the x-functions-key header or the code query parameter.',
    emptyBody: true,
  },
  functionFailed: {
    code: 'FUNCTION_FAILED',
    status: 500,
    message: 'The function failed; its error and stack are in the devhost log.',
    emptyBody: true,
  },
  httpFunctionTimeout: {
    code: 'HTTP_FUNCTION_TIMEOUT',
    status: 504,
    message:
      'The function did not answer within the HTTP time limit (--http-function-timeout; 230 s by default, ' +
      "Azure's front end). It runs on until it ends or reaches functionTimeout. Answer long work with 202 " +
      'and finish it in the background (e.g. a durable orchestration).',
  },
  payloadTooLarge: {
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
    message: 'The request body is larger than the limit (--max-request-body-size).',
  },
  badRequest: {
    code: 'BAD_REQUEST',
    status: 400,
    message: 'The request could not be read.',
  },
  requestTimeout: {
    code: 'REQUEST_TIMEOUT',
    status: 408,
    message:
      'The request did not arrive in time: its headers and body must come within --request-timeout (30 s).',
  },
  headersTooLarge: {
    code: 'HEADERS_TOO_LARGE',
    status: 431,
    message: 'The request headers are larger than the host reads (16 KB in all).',
  },
  methodNotAllowed: {
    code: 'METHOD_NOT_ALLOWED',
    status: 405,
    message: 'This devhost path does not answer this method.',
  },
  foreignRequest: {
    code: 'FOREIGN_REQUEST',
    status: 403,
    message: 'devhost refuses this request: it comes from another web page or names another host.',
  },
  unsupportedMediaType: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    message: 'This devhost route takes JSON only.',
  },
  dashboardRouteNotFound: {
    code: 'DASHBOARD_ROUTE_NOT_FOUND',
    status: 404,
    message: 'The dashboard API has no such route (see devhost/src/http/dashboardApi.ts for the list).',
  },
  dashboardNotBuilt: {
    code: 'DASHBOARD_NOT_BUILT',
    status: 503,
    message: "The dashboard's files are missing: run `npm run build -w devhost` (npm run build does it).",
  },
  instanceNotFound: {
    code: 'INSTANCE_NOT_FOUND',
    status: 404,
    message: 'No orchestration instance has this id in the task hub.',
  },
  instanceNotRunning: {
    code: 'INSTANCE_NOT_RUNNING',
    status: 409,
    message: 'The instance is not in a state that allows this.',
  },
  localClientsOnly: {
    code: 'LOCAL_CLIENTS_ONLY',
    status: 404,
    message: 'This devhost page answers local (loopback) clients only.',
  },
  cosmosUnavailable: {
    code: 'COSMOS_UNAVAILABLE',
    status: 502,
    message:
      'Reading from Cosmos DB failed: check that COSMOS_ENDPOINT answers (npm run emulators starts one).',
  },
  hostStarting: {
    code: 'HOST_STARTING',
    status: 503,
    message: 'devhost is starting: the app is loading and its plugins are starting. Retry shortly.',
    retryAfterSeconds: 1,
  },
  hostBusy: {
    code: 'HOST_BUSY',
    status: 503,
    message:
      'devhost is serving as many requests as it takes at once (--max-concurrent-requests); retry shortly.',
    retryAfterSeconds: 1,
  },
  hostStopping: {
    code: 'HOST_STOPPING',
    status: 503,
    message: 'devhost is shutting down; retry once it is started again.',
    retryAfterSeconds: 5,
  },
  internal: {
    code: 'DEVHOST_INTERNAL_ERROR',
    status: 500,
    message: 'devhost failed while handling this request (a devhost bug, not your function). See the log.',
  },
} as const satisfies Record<string, HttpErrorSpec>;

/** The JSON body of a devhost error (stable: clients may rely on `code`, and on `field` when bad input names one). */
export function errorBody(
  spec: HttpErrorSpec,
  detail?: string,
  field?: string,
): { error: { code: string; message: string; field?: string } } {
  return {
    error: {
      code: spec.code,
      message: detail ? `${spec.message} ${detail}` : spec.message,
      ...(field !== undefined ? { field } : {}),
    },
  };
}

export function sendError(res: ServerResponse, spec: HttpErrorSpec, detail?: string, field?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = spec.status;
  res.setHeader('x-devhost-error', spec.code);
  if (spec.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(spec.retryAfterSeconds));
  if (spec.emptyBody) {
    res.setHeader('content-length', '0');
    res.end();
    return;
  }
  const body = Buffer.from(JSON.stringify(errorBody(spec, detail, field)));
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', String(body.length));
  res.end(body);
}
