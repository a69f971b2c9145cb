/**
 * The dashboard's only way out: fetch calls to devhost's management API — the Durable HTTP API
 * under /runtime/webhooks/durabletask and the admin routes under /_devhost/api. The master key (when
 * devhost enforces keys) is asked once, kept in sessionStorage and sent in a header, never in a URL.
 */
export const DURABLE = '/runtime/webhooks/durabletask';
export const ADMIN = '/_devhost/api';
const KEY_ITEM = 'devhost.masterKey';

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ApiReply<T> {
  status: number;
  body: T;
  headers: Headers;
  /** The body as sent: an unchanged answer to a poll need not be rendered again. */
  text: string;
}

let askForKey: (() => void) | undefined;
/** A 401 that came before anyone listened (a prefetched request). */
let missedUnauthorized = false;

/** Called when the API answers 401: the key is dropped and the prompt shown. */
export function onUnauthorized(listener: () => void): void {
  askForKey = listener;
  if (missedUnauthorized) {
    missedUnauthorized = false;
    listener();
  }
}

export function setKey(key: string): void {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function segment(value: string): string {
  return encodeURIComponent(value);
}

export async function call<T = unknown>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiReply<T>> {
  const early = method === 'GET' ? prefetched.get(path) : undefined;
  if (early) {
    prefetched.delete(path);
    return early as Promise<ApiReply<T>>;
  }
  return send<T>(method, path, options);
}

const prefetched = new Map<string, Promise<ApiReply<unknown>>>();

/**
 * Starts the first page's GET requests while the page is still rendering, instead of after the
 * view that makes them has mounted. The first `call` of the same path takes the reply; a new route
 * drops what was not taken, so no view ever gets an old answer.
 */
export function prefetch(paths: readonly string[]): void {
  for (const path of paths) {
    const reply = send('GET', path, {});
    // Whoever takes the reply sees its failure; one nobody takes must not be an unhandled rejection.
    reply.catch(() => undefined);
    prefetched.set(path, reply);
  }
  window.addEventListener('hashchange', () => prefetched.clear(), { once: true });
}

async function send<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { body?: unknown; headers?: Record<string, string> },
): Promise<ApiReply<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const key = sessionStorage.getItem(KEY_ITEM);
  if (key) headers['x-functions-key'] = key;
  // Every state change is JSON: devhost refuses other types on its own routes.
  if (method !== 'GET') headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'omit',
    cache: 'no-store',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  if (response.status === 401) {
    sessionStorage.removeItem(KEY_ITEM);
    if (askForKey) askForKey();
    else missedUnauthorized = true;
    throw new ApiError(401, 'devhost needs the master key.');
  }
  if (response.status >= 400)
    throw new ApiError(response.status, errorMessage(response.status, body), errorField(body));
  return { status: response.status, body: body as T, headers: response.headers, text };
}

function errorMessage(status: number, body: unknown): string {
  if (typeof body === 'string' && body !== '') return `${status}: ${body}`;
  if (typeof body === 'object' && body !== null) {
    const error = (body as { error?: { message?: unknown } }).error;
    if (typeof error?.message === 'string') return `${status}: ${error.message}`;
    const message =
      (body as { Message?: unknown; ExceptionMessage?: unknown }).ExceptionMessage ??
      (body as { Message?: unknown }).Message;
    if (typeof message === 'string') return `${status}: ${message}`;
  }
  const known: Record<number, string> = {
    404: 'not found',
    410: 'the instance has finished (410 Gone)',
  };
  return `${status}: ${known[status] ?? 'the request failed'}`;
}

function errorField(body: unknown): string | undefined {
  const field = (body as { error?: { field?: unknown } } | null)?.error?.field;
  return typeof field === 'string' ? field : undefined;
}
