/**
 * A function's `retryOptions` (from `app.timer({ retry })`) as the WebJobs executor applies them:
 * after a failed invocation, wait and invoke again until it succeeds or `maxRetryCount` retries
 * have failed (`-1` retries forever). `fixedDelay` waits `delayInterval` each time;
 * `exponentialBackoff` is the SDK's randomized backoff: `min`, then `min + r·2^(n-2)·min` with
 * r in [0.8, 1.2), capped at `max`.
 */

export interface RetryPolicy {
  readonly strategy: 'fixedDelay' | 'exponentialBackoff';
  readonly maxRetryCount: number;
  /** A fresh delay sequence for one invocation's retries. */
  delays(): { next(): number };
}

export class RetryOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryOptionsError';
  }
}

type Random = () => number;

export function retryPolicyFrom(
  options: Record<string, unknown> | undefined,
  random: Random = Math.random,
): RetryPolicy | undefined {
  if (options === undefined) return undefined;
  const strategy = options.retryStrategy ?? options.strategy;
  const maxRetryCount = options.maxRetryCount;
  if (typeof maxRetryCount !== 'number' || !Number.isInteger(maxRetryCount) || maxRetryCount < -1) {
    throw new RetryOptionsError(
      `retry.maxRetryCount must be a whole number of at least -1 (-1 retries forever); got ${JSON.stringify(maxRetryCount)}.`,
    );
  }
  if (strategy === 'fixedDelay') {
    const delay = durationMs(options.delayInterval, 'retry.delayInterval');
    return { strategy, maxRetryCount, delays: () => ({ next: () => delay }) };
  }
  if (strategy === 'exponentialBackoff') {
    const min = durationMs(options.minimumInterval, 'retry.minimumInterval');
    const max = durationMs(options.maximumInterval, 'retry.maximumInterval');
    if (min > max) {
      throw new RetryOptionsError('retry.minimumInterval must not be greater than retry.maximumInterval.');
    }
    return { strategy, maxRetryCount, delays: () => exponentialDelays(min, max, random) };
  }
  throw new RetryOptionsError(
    `retry.strategy must be 'fixedDelay' or 'exponentialBackoff'; got ${JSON.stringify(strategy)}.`,
  );
}

function exponentialDelays(min: number, max: number, random: Random): { next(): number } {
  let current = 0;
  let exponent = 0;
  return {
    next() {
      if (current === max) return current;
      let backoff = min;
      if (exponent > 0) backoff += (0.8 + 0.4 * random()) * 2 ** (exponent - 1) * min;
      if (backoff < max) {
        current = backoff;
        exponent += 1;
      } else {
        current = max;
      }
      return Math.round(current);
    },
  };
}

/** `{ seconds, nanos? }` (RPC duration) or a number of milliseconds. */
function durationMs(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'object' && value !== null) {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const s = typeof seconds === 'number' ? seconds : Number(seconds ?? 0);
    const n = typeof nanos === 'number' ? nanos : 0;
    if (Number.isFinite(s) && s >= 0 && n >= 0) return s * 1000 + Math.round(n / 1e6);
  }
  throw new RetryOptionsError(`${name} must be a non-negative duration; got ${JSON.stringify(value)}.`);
}
