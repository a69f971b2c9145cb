import * as df from 'durable-functions';

/**
 * Retry policies, written without `retryTimeout`: when a retry timeout cuts the attempts short,
 * the extension schedules no final timer and the JS SDK waits for one forever. Attempt counts
 * bound every policy instead.
 */
function policy(firstMs: number, attempts: number, backoff: number, maxMs: number): df.RetryOptions {
  const options = new df.RetryOptions(firstMs, attempts);
  options.backoffCoefficient = backoff;
  options.maxRetryIntervalInMilliseconds = maxMs;
  return options;
}

/** Forward saga steps and batch items: transient storage faults, a few quick tries. */
export const stepRetry = (): df.RetryOptions => policy(2_000, 3, 2, 30_000);

/** Undo steps must not give up easily: money and stock depend on them. */
export const compensationRetry = (): df.RetryOptions => policy(5_000, 5, 2, 60_000);

/** The flaky downstream of resilientOrchestrator, as specified: 5 s, 3 attempts, ×2, ≤ 1 min. */
export const downstreamRetry = (): df.RetryOptions => policy(5_000, 3, 2, 60_000);
