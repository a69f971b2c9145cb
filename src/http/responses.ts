import { type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { type z } from 'zod';
import { DataStoreNotReadyError } from '../data/errors';
import { errorMessage, findUnsafeJson, JSON_MAX_DEPTH, parseInput, type ValidationIssue } from '../domain';
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

/** Reads and validates a JSON body; every failure is a 400 naming the field. */
export async function readBody<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
): Promise<BodyResult<z.output<S>>> {
  const text = await request.text();
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
  const unsafe = findUnsafeJson(raw);
  if (unsafe?.code === 'TooDeep') {
    return {
      ok: false,
      response: errorResponse(400, 'TooDeep', `The body is nested deeper than ${JSON_MAX_DEPTH} levels`, [
        unsafe.issue,
      ]),
    };
  }
  return validated(schema, raw);
}

function validated<S extends z.ZodType>(schema: S, raw: unknown): BodyResult<z.output<S>> {
  const parsed = parseInput(schema, raw);
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
