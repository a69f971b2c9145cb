/**
 * Node `http` edge of the Durable HTTP API: turns an `IncomingMessage` below a base path into an
 * `ApiRequest` and writes an `ApiResponse` back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRequest } from './apiContext';
import { QueryParams } from './query';
import type { ApiResponse } from './responses';

export interface RawTarget {
  pathname: string;
  search: string;
}

export function splitTarget(url: string | undefined): RawTarget {
  const target = url ?? '/';
  const queryAt = target.indexOf('?');
  return queryAt < 0
    ? { pathname: target, search: '' }
    : { pathname: target.slice(0, queryAt), search: target.slice(queryAt + 1) };
}

/** The path below `basePath` (matched case-insensitively, on a segment boundary), or undefined. */
export function pathBelow(pathname: string, basePath: string): string | undefined {
  const base = basePath.replace(/\/+$/, '');
  if (pathname.slice(0, base.length).toLowerCase() !== base.toLowerCase()) return undefined;
  const rest = pathname.slice(base.length);
  return rest === '' || rest.startsWith('/') ? rest : undefined;
}

export function toApiRequest(
  req: IncomingMessage,
  body: Buffer,
  path: string,
  search: string,
  linkOrigin: string,
  /** The origin of the listener the request came in on (the RPC listener's, or the public one). */
  selfOrigin: string = linkOrigin,
): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query: new QueryParams(search),
    headers,
    body,
    // The absolute URL (a 202's Location) on the listener's own origin, never from the Host header.
    url: `${selfOrigin.replace(/\/+$/, '')}${req.url ?? '/'}`,
    linkOrigin,
  };
}

export function writeApiResponse(res: ServerResponse, response: ApiResponse): void {
  const body = response.body === undefined ? undefined : Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, { ...response.headers, 'Content-Length': String(body?.length ?? 0) });
  res.end(body);
}
