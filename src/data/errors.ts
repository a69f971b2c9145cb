import { ErrorResponse, TimeoutError } from '@azure/cosmos';

/** Cosmos errors carry the HTTP status in `code`. */
function cosmosStatus(err: unknown): number | undefined {
  if (err !== null && typeof err === 'object' && 'code' in err) {
    const code = err.code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export const isConflict = (err: unknown): boolean => cosmosStatus(err) === 409;
export const isPreconditionFailed = (err: unknown): boolean => cosmosStatus(err) === 412;
export const isNotFound = (err: unknown): boolean => cosmosStatus(err) === 404;

/** The database or a container is missing: the seed has not run. */
export class DataStoreNotReadyError extends Error {
  override name = 'DataStoreNotReadyError';
}

/** A compare-and-swap kept losing; the caller's retry policy decides what happens next. */
export class ConcurrencyExhaustedError extends Error {
  override name = 'ConcurrencyExhaustedError';
}

/** Connection failures of the SDK's HTTP client (Node error codes; core-rest-pipeline's catch-all). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR',
]);

/** Answers that say "not now", and how the answer names them. */
const NOT_NOW: Record<number, string> = {
  408: 'timed out (408)',
  429: "still throttling (429) after the SDK's retries",
  503: 'unavailable (503)',
};

export interface CosmosUnavailable {
  /** What went wrong, without addresses or ids: it goes to the client. */
  reason: string;
  /** When to try again, in seconds (Cosmos DB's own hint for a 429). */
  retryAfterSeconds: number;
}

/**
 * Whether Cosmos DB could not do the work for now: the server is unreachable (refused, reset, a
 * socket hang up), timed out, unavailable, or still throttling after the SDK's retries. Only the
 * Cosmos SDK's own errors count, so a failure of another client (the durable client) is not
 * mistaken for one.
 */
export function cosmosUnavailable(err: unknown): CosmosUnavailable | undefined {
  if (err instanceof TimeoutError) return { reason: 'timed out', retryAfterSeconds: 5 };
  if (err instanceof ErrorResponse) {
    const reason = typeof err.code === 'number' ? NOT_NOW[err.code] : undefined;
    if (reason === undefined) return undefined;
    const hinted = typeof err.retryAfterInMs === 'number' ? Math.ceil(err.retryAfterInMs / 1000) : 0;
    return { reason, retryAfterSeconds: Math.max(1, hinted) };
  }
  // Network failures surface as core-rest-pipeline's RestError, which the SDK passes on as is.
  if (err instanceof Error && err.name === 'RestError') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) {
      return { reason: `not reachable (${code})`, retryAfterSeconds: 5 };
    }
  }
  return undefined;
}
