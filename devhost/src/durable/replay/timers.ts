/**
 * Durable timers as the extension creates them (`DurableOrchestrationContext.CreateTimer`): a timer
 * further away than `maximumShortTimerMs` is a chain of slices, each its own sequence id; after each
 * slice fires, the next one is decided from the time of the episode that processes it.
 */
import type { DtfContext } from './dtfContext';
import { HostTask } from './hostTask';
import type { OrchestrationSettings } from './types';

export function createDurableTimer(
  ctx: DtfContext,
  settings: OrchestrationSettings,
  fireAtMs: number,
  canceled: boolean,
): HostTask {
  if (fireAtMs - ctx.nowMs <= settings.maximumShortTimerMs) return ctx.createTimer(fireAtMs, canceled);

  const result = new HostTask();
  const interval = settings.longRunningTimerIntervalMs;
  const slice = (sliceFireAtMs: number, cancelNow: boolean): void => {
    const timer = ctx.createTimer(sliceFireAtMs, cancelNow);
    timer.whenDone(() => {
      if (timer.outcome?.ok === false) {
        result.settle(timer.outcome);
        return;
      }
      const remaining = fireAtMs - ctx.nowMs;
      if (remaining <= 0) result.settle({ ok: true, result: null });
      else slice(ctx.nowMs + Math.min(remaining, interval), false);
    });
  };
  slice(ctx.nowMs + interval, canceled);
  return result;
}
