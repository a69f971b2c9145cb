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
