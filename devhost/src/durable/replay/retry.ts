/**
 * DTF's `RetryInterceptor` as the pinned Core runs it: a timer after every failed attempt, the one
 * after the last attempt firing at once; no timer when the retry timeout has passed (the SDK has no
 * notion of that timeout and then waits for a timer that never comes, as on Azure).
 */
import type { RetryOptionsJson } from '../../protocol/actions';
import type { DtfContext } from './dtfContext';
import { HostTask, type TaskOutcome } from './hostTask';

/** EXT's default `MaxRetryInterval` (`RetryOptions.cs`): 6 days. */
const DEFAULT_MAX_RETRY_INTERVAL_MS = 6 * 86_400_000;

function nextRetryDelayMs(
  options: RetryOptionsJson,
  attempt: number,
  firstAttemptMs: number,
  nowMs: number,
): number {
  // Unset means TimeSpan.MaxValue; any value the SDK sends (even 0) is a real deadline.
  const timeout = options.retryTimeoutInMilliseconds;
  if (timeout !== undefined && timeout !== null && nowMs >= firstAttemptMs + timeout) return 0;
  const maxInterval = options.maxRetryIntervalInMilliseconds ?? DEFAULT_MAX_RETRY_INTERVAL_MS;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, attempt);
  return delay < maxInterval ? delay : maxInterval;
}

export function withRetry(ctx: DtfContext, options: RetryOptionsJson, attemptOnce: () => HostTask): HostTask {
  const result = new HostTask();
  const firstAttemptMs = ctx.nowMs;
  const maxAttempts = Math.max(1, options.maxNumberOfAttempts);
  let attempt = 0;

  const afterFailure = (failure: TaskOutcome): void => {
    if (attempt + 1 >= maxAttempts) {
      ctx.createTimer(ctx.nowMs).whenDone(() => result.settle(failure));
      return;
    }
    const delay = nextRetryDelayMs(options, attempt, firstAttemptMs, ctx.nowMs);
    if (delay <= 0) {
      result.settle(failure);
      return;
    }
    ctx.createTimer(ctx.nowMs + delay).whenDone(() => {
      attempt += 1;
      run();
    });
  };

  const run = (): void => {
    const task = attemptOnce();
    task.whenDone(() => {
      const outcome = task.outcome;
      if (outcome === undefined || outcome.ok) result.settle(outcome ?? { ok: true, result: null });
      else afterFailure(outcome);
    });
  };

  run();
  return result;
}
