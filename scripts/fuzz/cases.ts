/**
 * What a fuzz case is, what each endpoint generates, and what every answer must look like.
 */
import fc from 'fast-check';
import type { RawAnswer, RawRequest } from './rawHttp';
import { percentEncode } from './hostile';

/** Who answers: the app's functions, the Durable webhooks (the extension's shapes), devhost itself. */
export type Surface = 'app' | 'webhook' | 'devhost';

export interface FuzzCase extends RawRequest {
  /** What the input is (`nearValid:dropKey`, `valid`, `id:hostile`…), for the figures. */
  kind: string;
  /** Hostile: must get a 4xx and change nothing. Otherwise: one of `expected`. */
  hostile: boolean;
  /** Statuses a non-hostile case may get. */
  expected?: readonly number[];
}

/** Stands for a fresh value in a case's path and body (see `FuzzEnv.unique`). */
export const UNIQUE_MARK = 'FZUNIQ';

/** The fixtures and keys every endpoint's cases may use. */
export interface FuzzEnv {
  masterKey: string;
  /** Ids that exist, created before the run. */
  known: KnownIds;
  /**
   * An id no other request used: `prefix-` and a mark the runner replaces with a fresh value each
   * time it sends the case (so a case replayed while shrinking is not a 409 of its first run).
   */
  unique(prefix: string): string;
}

export interface KnownIds {
  orderId: string;
  customerId: string;
  batchId: string;
  operationId: string;
  /** Completed instances (the order's, the batch's). */
  finishedInstanceIds: string[];
  /** A running instance that takes any event (an approval waiting for its decision). */
  eventTargetInstanceId: string;
  /** Pending approvals with their one-time tokens: the first valid decision wins, later ones get 409. */
  approvals: { requestId: string; token: string }[];
}

export interface Endpoint {
  /** `app:StartOrder`, `webhook:startOrchestration`, `devhost:outbox`. */
  name: string;
  surface: Surface;
  /** `POST /api/orders`, for the figures. */
  route: string;
  cases(env: FuzzEnv): fc.Arbitrary<FuzzCase>;
}

/** A case that prints as the request it is (fast-check reports the shrunk counterexample with it). */
export function fuzzCase(fields: FuzzCase): FuzzCase {
  return Object.assign(fields, {
    [fc.toStringMethod]: () => describeCase(fields),
  });
}

export function describeCase(c: FuzzCase): string {
  const headers = Object.entries(c.headers ?? {})
    .filter(([name]) => name !== 'x-functions-key')
    .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
    .join(', ');
  const body = c.body === undefined ? 'no body' : `${c.body.length} bytes ${preview(c.body)}`;
  return `${c.hostile ? 'hostile' : 'valid'} ${c.kind}: ${c.method} ${c.path.length > 300 ? `${c.path.slice(0, 300)}…` : c.path} [${headers}] ${body}`;
}

function preview(body: Buffer): string {
  const text = body.toString('utf8');
  const shown = text.length > 300 ? `${text.slice(0, 150)}…${text.slice(-150)}` : text;
  return JSON.stringify(shown);
}

/** Headers with the master key (every key-guarded route opens with it) and the content type, if any. */
export function headersFor(env: FuzzEnv, contentType: string | undefined): Record<string, string> {
  return {
    'x-functions-key': env.masterKey,
    ...(contentType !== undefined ? { 'content-type': contentType } : {}),
  };
}

/**
 * A route parameter as a client could send it: percent-encoded, double-encoded, with `..` and
 * `.` left raw, or with an invalid escape. `value` is what the host decodes it to (undefined when
 * it cannot be decoded).
 */
export function encodedSegment(value: string): fc.Arbitrary<{ raw: string; value: string | undefined }> {
  return fc.constantFrom(
    { raw: percentEncode(value), value },
    { raw: percentEncode(percentEncode(value)), value: percentEncode(value) },
    { raw: `${percentEncode(value)}%E0%A4%A`, value: undefined },
  );
}

/** The answer's problems, as sentences; empty when the answer is what the case may get. */
export function answerProblems(surface: Surface, c: FuzzCase, answer: RawAnswer, maxMs: number): string[] {
  const problems: string[] = [];
  // Hostile input must be refused at once; valid work (a start that writes and enqueues) has no such bound.
  if (c.hostile && answer.ms > maxMs)
    problems.push(`answered after ${Math.round(answer.ms)} ms (limit ${maxMs} ms)`);
  if (answer.status >= 500) problems.push(`answered ${answer.status}`);
  if (c.hostile) {
    if (answer.status < 400 || answer.status >= 500)
      problems.push(`hostile input answered ${answer.status}, not a 4xx`);
  } else if (c.expected && !c.expected.includes(answer.status)) {
    problems.push(`answered ${answer.status}, expected ${c.expected.join(' or ')}`);
  }
  if (answer.status >= 400 && answer.status < 500) {
    const bodyProblem = errorBodyProblem(surface, answer);
    if (bodyProblem) problems.push(bodyProblem);
  }
  return problems;
}

/**
 * Host answers that Azure sends with an empty body keep it (no route, no key); devhost names
 * them in `x-devhost-error`. The extension's webhooks answer 404, 410 and 401 empty.
 */
const EMPTY_HOST_ANSWERS = new Set(['ROUTE_NOT_FOUND', 'UNAUTHORIZED']);

function errorBodyProblem(surface: Surface, answer: RawAnswer): string | undefined {
  const devhostCode = answer.headers['x-devhost-error'];
  if (typeof devhostCode === 'string') {
    if (answer.body.length === 0) {
      return EMPTY_HOST_ANSWERS.has(devhostCode)
        ? undefined
        : `empty body with x-devhost-error ${devhostCode}`;
    }
    const error = (parseJson(answer.body) as { error?: { code?: unknown; message?: unknown } } | undefined)
      ?.error;
    return error?.code === devhostCode && typeof error.message === 'string'
      ? undefined
      : `devhost error ${devhostCode} without its JSON body: ${preview(answer.body)}`;
  }
  if (answer.body.length === 0) {
    return surface === 'webhook' && [401, 404, 410].includes(answer.status)
      ? undefined
      : `empty ${answer.status} body`;
  }
  const body = parseJson(answer.body);
  if (body === undefined) return `${answer.status} body is not JSON: ${preview(answer.body)}`;
  if (surface === 'app') {
    const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } }).error;
    return typeof error?.code === 'string' && typeof error.message === 'string' && Array.isArray(error.issues)
      ? undefined
      : `app error body without error.code, error.message and error.issues: ${preview(answer.body)}`;
  }
  if (surface === 'webhook') {
    // The extension's HttpError (`{"Message"}`), or a bare JSON string (purge without a date).
    return typeof body === 'string' || typeof (body as { Message?: unknown }).Message === 'string'
      ? undefined
      : `webhook error body without Message: ${preview(answer.body)}`;
  }
  return `devhost answer ${answer.status} without x-devhost-error: ${preview(answer.body)}`;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
