/**
 * `BuiltIn::HttpActivity`: performs a `callHttp` request for real and answers with the
 * extension's `DurableHttpResponse` shape (`statusCode`, `headers` name → value or values,
 * `content`). Managed-identity token sources need Azure AD, which devhost does not reach.
 */
import type { DurableHttpRequestJson } from '../../protocol/actions';

export interface DurableHttpResponseJson {
  statusCode: number;
  headers: Record<string, string | string[]>;
  content: string;
}

class HttpActivityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpActivityError';
  }
}

export function readHttpRequest(parameters: string | null): DurableHttpRequestJson {
  const parsed: unknown = parameters === null ? null : JSON.parse(parameters);
  const request: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (typeof request !== 'object' || request === null)
    throw new HttpActivityError('The HTTP activity got no request.');
  const candidate = request as Partial<DurableHttpRequestJson>;
  if (typeof candidate.method !== 'string' || typeof candidate.uri !== 'string') {
    throw new HttpActivityError('The HTTP request needs a method and a uri.');
  }
  return candidate as DurableHttpRequestJson;
}

export async function performHttpRequest(request: DurableHttpRequestJson): Promise<DurableHttpResponseJson> {
  if (request.tokenSource !== undefined && request.tokenSource !== null) {
    throw new HttpActivityError(
      'callHttp with a managed identity token source is not supported by devhost: it cannot obtain Azure AD tokens. ' +
        'Pass an Authorization header instead when running locally.',
    );
  }
  const method = request.method.toUpperCase();
  const response = await fetch(request.uri, {
    method,
    headers: request.headers ?? {},
    ...(request.content !== undefined && method !== 'GET' && method !== 'HEAD'
      ? { body: request.content }
      : {}),
    redirect: 'manual',
  });
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else headers[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  });
  return { statusCode: response.status, headers, content: await response.text() };
}
