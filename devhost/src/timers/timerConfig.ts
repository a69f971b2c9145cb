/**
 * Reads a timer function's trigger binding and retry options into what its listener needs, so a
 * bad schedule fails at start with the function and the field named.
 */
import { MissingAppSettingError } from '../config/appSettings';
import type { RegisteredFunction } from '../worker/types';
import { retryPolicyFrom, RetryOptionsError, type RetryPolicy } from './retryPolicy';
import { createTimerSchedule, ScheduleError, type TimerSchedule } from './timerSchedule';
import { type TimeZone } from './timeZone';

export interface TimerFunctionConfig {
  readonly functionName: string;
  readonly schedule: TimerSchedule;
  readonly runOnStartup: boolean;
  /** As configured (default true); the listener also turns it off for sub-minute schedules. */
  readonly useMonitor: boolean;
  readonly retry?: RetryPolicy;
}

export function isTimerFunction(fn: RegisteredFunction): boolean {
  return fn.trigger.type.toLowerCase() === 'timertrigger';
}

/** One error per function; the caller reports them all at once. */
export class TimerConfigError extends Error {
  constructor(
    readonly functionName: string,
    readonly field: string,
    detail: string,
  ) {
    super(`Timer function '${functionName}': ${detail}`);
    this.name = 'TimerConfigError';
  }
}

export function readTimerConfig(
  fn: RegisteredFunction,
  zone: TimeZone,
  settings: Record<string, string | undefined>,
  random?: () => number,
): TimerFunctionConfig {
  let schedule: TimerSchedule;
  try {
    schedule = createTimerSchedule(fn.trigger.schedule, zone, settings);
  } catch (error) {
    if (error instanceof MissingAppSettingError)
      throw new TimerConfigError(fn.name, 'schedule', error.message);
    if (!(error instanceof ScheduleError)) throw error;
    const field = error.field ? `schedule.${error.field}` : 'schedule';
    throw new TimerConfigError(fn.name, field, error.message);
  }
  const flag = (name: 'runOnStartup' | 'useMonitor', fallback: boolean): boolean => {
    const value = fn.trigger[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    // function.json-style string values are accepted by the host's binding parser.
    if (value === 'true' || value === 'false') return value === 'true';
    throw new TimerConfigError(
      fn.name,
      name,
      `'${name}' must be true or false; got ${JSON.stringify(value)}.`,
    );
  };
  let retry: RetryPolicy | undefined;
  try {
    retry = retryPolicyFrom(fn.metadata.retryOptions, random);
  } catch (error) {
    if (!(error instanceof RetryOptionsError)) throw error;
    throw new TimerConfigError(fn.name, 'retry', error.message);
  }
  return {
    functionName: fn.name,
    schedule,
    runOnStartup: flag('runOnStartup', false),
    useMonitor: flag('useMonitor', true),
    retry,
  };
}
