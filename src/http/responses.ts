import { type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { type z } from 'zod';
import { cosmosUnavailable, DataStoreNotReadyError } from '../data/errors';
import {
  clip,
  errorMessage,
  findUnsafeJson,
  JSON_MAX_DEPTH,
  parseInput,
  parseSafeJson,
  type ParseResult,
  REQUEST_BODY_MAX_BYTES,
  type ValidationIssue,
} from '../domain';
import { ConfigError } from '../config';

/** The one error body of the API: a stable code, a message a user can act on, field issues. */
export interface ErrorBody {
  error: { code: string; message: string; issues: ValidationIssue[] };
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  issues: ValidationIssue[] = [],
  extra: Record<string, unknown> = {},
): HttpResponseInit {
  const body: ErrorBody & Record<string, unknown> = { error: { code, message, issues }, ...extra };
  return { status, jsonBody: body };
}

export function json(status: number, body: unknown): HttpResponseInit {
  return { status, jsonBody: body };
}

export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: HttpResponseInit };

/**
 * The media types read as JSON: JSON itself, none at all, and `text/plain` (what `fetch` and the
 * Functions runtime label a string body with). Forms, multipart and other types are refused: a
 * form is what a web page can post to another origin without asking first.
 */
function isJsonMediaType(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (
    type === '' ||
    type === 'text/plain' ||
    type === 'application/json' ||
    (type.startsWith('application/') && type.endsWith('+json'))
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text, if it is declared as JSON (415 otherwise) and is UTF-8 (400 otherwise: a
 * lenient decoder would turn stray bytes into U+FFFD and accept what the client did not send).
 */
export async function readJsonText(request: HttpRequest): Promise<BodyResult<string>> {
  const contentType = request.headers.get('content-type');
  if (!isJsonMediaType(contentType)) {
    return {
      ok: false,
      response: errorResponse(
        415,
        'UnsupportedMediaType',
        `The body must be JSON (Content-Type: application/json), not ${clip(contentType ?? '', 100)}`,
        [{ path: 'content-type', message: 'Use application/json' }],
      ),
    };
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > REQUEST_BODY_MAX_BYTES) return { ok: false, response: tooLarge(declared) };
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > REQUEST_BODY_MAX_BYTES) return { ok: false, response: tooLarge(bytes.byteLength) };
  try {
    return { ok: true, value: utf8.decode(bytes) };
  } catch {
    return {
      ok: false,
      response: errorResponse(400, 'InvalidJson', 'The body is not valid UTF-8', [
        { path: '', message: 'Send JSON encoded as UTF-8' },
      ]),
    };
  }
}

function tooLarge(bytes: number): HttpResponseInit {
  return errorResponse(
    413,
    'PayloadTooLarge',
    `The body has ${bytes} bytes; this API reads at most ${REQUEST_BODY_MAX_BYTES}`,
    [{ path: '', message: `At most ${REQUEST_BODY_MAX_BYTES} bytes` }],
  );
}

/** Reads and validates a JSON body; every failure is a 400 naming the field (415 for a body that is not JSON). */
export async function readBody<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
): Promise<BodyResult<z.output<S>>> {
  const body = await readJsonText(request);
  if (!body.ok) return body;
  const text = body.value;
  let raw: unknown;
  try {
    raw = text.trim() === '' ? undefined : JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      response: errorResponse(400, 'InvalidJson', `The body is not valid JSON: ${errorMessage(err)}`),
    };
  }
  if (raw === undefined) {
    return {
      ok: false,
      response: errorResponse(400, 'MissingBody', 'A JSON body is required', [
        { path: '', message: 'Required' },
      ]),
    };
  }
  // One walk for nesting and forbidden keys; the schema then sees only a safe value.
  const unsafe = findUnsafeJson(raw);
  if (unsafe?.code === 'TooDeep') {
    return {
      ok: false,
      response: errorResponse(400, 'TooDeep', `The body is nested deeper than ${JSON_MAX_DEPTH} levels`, [
        unsafe.issue,
      ]),
    };
  }
  return validationAnswer(unsafe ? { ok: false, issues: [unsafe.issue] } : parseSafeJson(schema, raw));
}

function validationAnswer<T>(parsed: ParseResult<T>): BodyResult<T> {
  if (parsed.ok) return parsed;
  const fields = parsed.issues.map((i) => i.path || '(body)').join(', ');
  return {
    ok: false,
    response: errorResponse(400, 'ValidationFailed', `Invalid request: check ${fields}`, parsed.issues),
  };
}

/** Maps what an endpoint may throw to an answer; anything else is rethrown as the 500 it is. */
function failureResponse(err: unknown): HttpResponseInit {
  if (err instanceof DataStoreNotReadyError) return errorResponse(503, 'DataStoreNotReady', err.message);
  if (err instanceof ConfigError) return errorResponse(500, 'ConfigurationInvalid', err.message);
  const unavailable = cosmosUnavailable(err);
  if (unavailable) {
    // Temporary: the client may send the same request again (a starter takes a retry under the
    // same id and never starts twice). The cause (an address, an activity id) stays out of it.
    return {
      ...errorResponse(
        503,
        'DataStoreUnavailable',
        `The data store (Cosmos DB) is ${unavailable.reason}. Retry after ${unavailable.retryAfterSeconds} s`,
      ),
      headers: { 'Retry-After': String(unavailable.retryAfterSeconds) },
    };
  }
  throw err;
}

/** Runs a handler body, turning known infrastructure states into their stable answers. */
export async function guarded(run: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await run();
  } catch (err) {
    return failureResponse(err);
  }
}

/** Validates a route parameter; issues are named after the parameter. */
export function validatedParam<S extends z.ZodType>(
  name: string,
  schema: S,
  raw: unknown,
): BodyResult<z.output<S>> {
  const parsed = parseInput(schema, raw);
  if (parsed.ok) return parsed;
  const issues = parsed.issues.map((i) => ({
    path: i.path ? `${name}.${i.path}` : name,
    message: i.message,
  }));
  return { ok: false, response: errorResponse(400, 'ValidationFailed', `Invalid ${name}`, issues) };
}
