/**
 * CORS from local.settings.json `Host.CORS`, as `func start` applies it with ASP.NET Core's CORS
 * middleware: allowed origins (or `*`), optional credentials, preflights answered by the host.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsOptions {
  origins: string[];
  credentials: boolean;
}

function allowedOrigin(options: CorsOptions, origin: string): string | undefined {
  if (options.origins.includes('*')) return options.credentials ? origin : '*';
  const match = options.origins.find((o) => o.replace(/\/$/, '').toLowerCase() === origin.toLowerCase());
  return match ? origin : undefined;
}

/**
 * Adds CORS headers; answers a preflight itself. Returns true when the request is fully handled.
 */
export function applyCors(options: CorsOptions, req: IncomingMessage, res: ServerResponse): boolean {
  if (options.origins.length === 0) return false;
  const origin = req.headers.origin;
  if (!origin) return false;
  const allowed = allowedOrigin(options, origin);
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
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
