/**
 * CORS from local.settings.json `Host.CORS`, as `func start` applies it with ASP.NET Core's CORS
 * middleware (allowed origins or `*`, optional credentials, preflights answered by the host), and
 * the guard that keeps devhost's own local surfaces out of reach of other web pages.
 *
 * A page on any origin can make the browser send a "simple" request (GET, or a POST with a form
 * or text body) to 127.0.0.1 without asking first, and a page whose DNS name points at 127.0.0.1
 * sends requests that look same-origin. So devhost's admin routes (`/_devhost/*`, `/admin/*`)
 * ignore the CORS settings, refuse a browser `Origin` other than devhost's own, refuse a `Host`
 * that is not devhost's, and take state changes only as JSON (which no page can send to another
 * origin without a preflight that devhost never grants). The Durable webhooks keep the app's CORS
 * for reads, but never act for a foreign origin the settings do not name, and no preflight for
 * them allows DELETE.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpErrors, sendError, type HttpErrorSpec } from './errors';

export interface CorsOptions {
  origins: string[];
  credentials: boolean;
}

/** Paths devhost serves for itself: the dashboard and its API, the outbox viewer. */
const DEVHOST_PREFIX = '/_devhost/';
/** The host admin API (`POST /admin/functions/{name}`): curl users send it form-typed JSON, so no JSON rule. */
const ADMIN_PREFIX = '/admin/';
const WEBHOOK_PREFIX = '/runtime/webhooks/';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

type Surface = 'devhost' | 'admin' | 'webhook' | 'app';

function surfaceOf(url: string | undefined): Surface {
  const path = (url ?? '/').split('?')[0]!.toLowerCase();
  if (path === '/_devhost' || path.startsWith(DEVHOST_PREFIX)) return 'devhost';
  if (path.startsWith(ADMIN_PREFIX)) return 'admin';
  if (path.startsWith(WEBHOOK_PREFIX)) return 'webhook';
  return 'app';
}

function allowedOrigin(options: CorsOptions, origin: string): string | undefined {
  if (options.origins.includes('*')) return options.credentials ? origin : '*';
  return namedOrigin(options, origin) ? origin : undefined;
}

/** The settings name this origin itself (a wildcard does not count). */
function namedOrigin(options: CorsOptions, origin: string): boolean {
  return options.origins.some((o) => o.replace(/\/$/, '').toLowerCase() === origin.toLowerCase());
}

/**
 * devhost's own origin, and the same port under the other loopback names (a user may open
 * `http://localhost:7071/_devhost/` while devhost listens on 127.0.0.1).
 */
function isOwnOrigin(ownOrigin: string, origin: string): boolean {
  let own: URL;
  let other: URL;
  try {
    own = new URL(ownOrigin);
    other = new URL(origin);
  } catch {
    return false;
  }
  if (other.protocol !== own.protocol || other.port !== own.port) return false;
  return (
    other.hostname === own.hostname ||
    (LOOPBACK_NAMES.has(own.hostname) && LOOPBACK_NAMES.has(other.hostname))
  );
}

/** A `Host` header naming devhost (its own host, or a loopback name, on its port). */
function isOwnHost(ownOrigin: string, host: string | undefined): boolean {
  if (host === undefined) return true;
  return isOwnOrigin(ownOrigin, `${new URL(ownOrigin).protocol}//${host}`);
}

/** `application/json` or any `+json` type; other types (forms, text) are what pages can send cross-origin. */
function isJsonContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

export interface ForeignRequestProblem {
  spec: HttpErrorSpec;
  detail: string;
}

/**
 * The checks for a request to a local-only listener or path: `undefined` when it may proceed,
 * else the refusal to send. `requireJson`: a state-changing request sends JSON or no body type at all.
 */
export function foreignRequestProblem(
  ownOrigin: string,
  req: Pick<IncomingMessage, 'method' | 'headers'>,
  options: { requireJson: boolean },
): ForeignRequestProblem | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(ownOrigin, origin)) {
    return {
      spec: httpErrors.foreignRequest,
      detail: `The page at ${JSON.stringify(origin)} is not devhost's own (${ownOrigin}).`,
    };
  }
  if (!isOwnHost(ownOrigin, req.headers.host)) {
    return {
      spec: httpErrors.foreignRequest,
      detail: `The Host header ${JSON.stringify(req.headers.host)} does not name devhost (${ownOrigin}).`,
    };
  }
  if (!options.requireJson) return undefined;
  const method = (req.method ?? 'GET').toUpperCase();
  const contentType = req.headers['content-type'];
  // Forms and text are what a page can send to another origin without asking; JSON it cannot.
  if (STATE_CHANGING.has(method) && contentType !== undefined && !isJsonContentType(contentType)) {
    return {
      spec: httpErrors.unsupportedMediaType,
      detail: `A ${method} here sends JSON or no body (got Content-Type ${JSON.stringify(contentType)}).`,
    };
  }
  return undefined;
}

/**
 * Adds CORS headers; answers a preflight itself; refuses foreign requests to devhost's local
 * surfaces and foreign state changes on the webhooks. Returns true when the request is fully handled.
 */
export function applyCors(
  options: CorsOptions,
  req: IncomingMessage,
  res: ServerResponse,
  ownOrigin: string,
): boolean {
  const surface = surfaceOf(req.url);
  const origin = req.headers.origin;
  const method = (req.method ?? 'GET').toUpperCase();
  const preflight = method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;

  if (surface === 'devhost' || surface === 'admin') {
    // Never any CORS header here, whatever local.settings.json says.
    const problem = preflight
      ? { spec: httpErrors.foreignRequest, detail: 'devhost grants no preflight for its own routes.' }
      : foreignRequestProblem(ownOrigin, req, { requireJson: surface === 'devhost' });
    if (problem) {
      req.resume();
      sendError(res, problem.spec, problem.detail);
      return true;
    }
    return false;
  }

  if (surface === 'webhook' && origin !== undefined && !isOwnOrigin(ownOrigin, origin)) {
    const requested = String(req.headers['access-control-request-method'] ?? '').toUpperCase();
    const acts = preflight ? STATE_CHANGING.has(requested) : STATE_CHANGING.has(method);
    // A wildcard lets pages read statuses; acting on an instance needs the origin named, and never DELETE.
    if (acts && (!namedOrigin(options, origin) || (preflight ? requested : method) === 'DELETE')) {
      req.resume();
      sendError(
        res,
        httpErrors.foreignRequest,
        `The web page at ${JSON.stringify(origin)} may not change instances.`,
      );
      return true;
    }
  }

  if (options.origins.length === 0 || !origin) return false;
  const allowed = allowedOrigin(options, origin);
  if (!allowed) {
    if (preflight) {
      res.statusCode = 204;
      res.end();
      return true;
    }
    return false;
  }
  res.setHeader('access-control-allow-origin', allowed);
  if (allowed !== '*') res.setHeader('vary', 'Origin');
  if (options.credentials) res.setHeader('access-control-allow-credentials', 'true');
  if (!preflight) return false;
  res.setHeader('access-control-allow-methods', String(req.headers['access-control-request-method']));
  const requested = req.headers['access-control-request-headers'];
  if (requested) res.setHeader('access-control-allow-headers', String(requested));
  res.statusCode = 204;
  res.end();
  return true;
}
