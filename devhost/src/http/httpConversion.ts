/**
 * Conversion between a raw HTTP exchange and the RPC `http` typed data, as the Functions host does
 * it for the Node worker's capabilities (nullable dictionaries, raw body bytes, body only). Pure.
 */
import type { RpcHttpCookie, RpcHttpData, RpcNullableString, RpcTypedData } from '../worker/types';

export interface IncomingHttp {
  method: string;
  /** Full original URL: `http://{Host}{path}{?query}`. */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value, ... */
  rawHeaders: readonly string[];
  body: Uint8Array;
  params: Record<string, string>;
}

export function toRpcHttp(request: IncomingHttp): RpcHttpData {
  const nullableHeaders: Record<string, RpcNullableString> = {};
  // With nullable dictionaries the host keeps empty values (IgnoreEmptyValuedRpcHttpHeaders only
  // applies to the legacy `headers` map).
  for (const [name, value] of groupHeaders(request.rawHeaders)) nullableHeaders[name] = { value };
  const nullableParams: Record<string, RpcNullableString> = {};
  for (const [name, value] of Object.entries(request.params)) nullableParams[name] = { value };
  const http: RpcHttpData = {
    method: request.method,
    url: request.url,
    nullableHeaders,
    nullableQuery: toNullableQuery(new URL(request.url).searchParams),
    nullableParams,
  };
  if (contentLength(nullableHeaders) > 0) http.body = { bytes: request.body };
  return http;
}

/** Header names lower-cased; a repeated header joined with "," (ASP.NET's StringValues.ToString). */
function groupHeaders(rawHeaders: readonly string[]): Map<string, string> {
  const grouped = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    const previous = grouped.get(name);
    grouped.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return grouped;
}

/** ASP.NET's query collection: keys case-insensitive (first spelling kept), repeats joined with ','. */
function toNullableQuery(search: URLSearchParams): Record<string, RpcNullableString> {
  const spelled = new Map<string, string>();
  const values = new Map<string, string[]>();
  for (const [key, value] of search) {
    const lower = key.toLowerCase();
    if (!spelled.has(lower)) spelled.set(lower, key);
    values.set(lower, [...(values.get(lower) ?? []), value]);
  }
  const query: Record<string, RpcNullableString> = {};
  for (const [lower, key] of spelled) query[key] = { value: values.get(lower)!.join(',') };
  return query;
}

function contentLength(headers: Record<string, RpcNullableString>): number {
  const raw = headers['content-length']?.value;
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isFinite(n) ? n : 0;
}

export interface OutgoingHttp {
  status: number;
  /** Header name → value(s); `set-cookie` may repeat. */
  headers: [string, string][];
  body: Buffer;
}

export class HttpResultError extends Error {
  override readonly name = 'HttpResultError';
}

/** Turns the function's http output into the response the host writes. */
export function fromRpcHttp(data: RpcTypedData | undefined, method: string): OutgoingHttp {
  // A function that returns nothing: the host's middleware falls back to a plain 200.
  if (data === undefined || data === null) return { status: 200, headers: [], body: Buffer.alloc(0) };
  const http = data.http;
  if (!http) {
    throw new HttpResultError('The HTTP output binding received a value that is not an HTTP response.');
  }
  const status = http.statusCode === undefined || http.statusCode === '' ? 200 : Number(http.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new HttpResultError(
      `The function returned the HTTP status '${http.statusCode}', which is not valid.`,
    );
  }
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    if (value !== undefined && value !== null) headers.push([name.toLowerCase(), String(value)]);
  }
  for (const cookie of http.cookies ?? []) headers.push(['set-cookie', serializeCookie(cookie)]);
  const noBody = status === 204 || status === 304 || method.toUpperCase() === 'HEAD';
  return { status, headers, body: noBody ? Buffer.alloc(0) : bodyBytes(http.body) };
}

function bodyBytes(body: RpcTypedData | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength);
  if (body.stream) return Buffer.from(body.stream);
  if (body.string !== undefined) return Buffer.from(body.string, 'utf8');
  if (body.json !== undefined) return Buffer.from(body.json, 'utf8');
  if (body.int !== undefined) return Buffer.from(String(body.int));
  if (body.double !== undefined) return Buffer.from(String(body.double));
  return Buffer.alloc(0);
}

/** `Uri.EscapeDataString`: everything but RFC 3986 unreserved characters is escaped. */
function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A Set-Cookie value as ASP.NET Core's ResponseCookies.Append writes it from the host's cookie options. */
export function serializeCookie(cookie: RpcHttpCookie): string {
  // ASP.NET Core (6+) escapes the value but no longer the name.
  const parts = [`${cookie.name}=${escapeDataString(cookie.value)}`];
  const expires = cookie.expires?.value;
  if (expires) parts.push(`expires=${new Date(expires.seconds * 1000).toUTCString()}`);
  const maxAge = cookie.maxAge?.value;
  if (maxAge !== undefined && maxAge !== null) parts.push(`max-age=${Math.trunc(maxAge)}`);
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  // ASP.NET's CookieOptions default the path to '/'.
  parts.push(`path=${cookie.path?.value || '/'}`);
  if (cookie.secure?.value) parts.push('secure');
  // 'none' is the RPC default meaning "not set"; a user's SameSite=None arrives as 'explicitNone'.
  const sameSite: Record<string, string> = { lax: 'lax', strict: 'strict', explicitNone: 'none' };
  const sameSiteValue = cookie.sameSite ? sameSite[cookie.sameSite] : undefined;
  if (sameSiteValue) parts.push(`samesite=${sameSiteValue}`);
  if (cookie.httpOnly?.value) parts.push('httponly');
  return parts.join('; ');
}
