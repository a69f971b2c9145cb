import { type Timer } from '@azure/functions';

/**
 * The occurrence a timer run stands for. While a scheduled run executes, the timer extension still
 * holds that occurrence in `ScheduleStatus.Next` (it moves on only after the function returns), so
 * a cutoff follows the schedule rather than the instant the worker got to it. Without a schedule
 * monitor (schedules that fire more than once a minute, runs through the admin API) there is no
 * status, and the run uses the current time.
 */
export function occurrenceOf(timer: Timer | null | undefined): Date {
  const next = timer?.scheduleStatus?.next;
  const instant = typeof next === 'string' ? Date.parse(next) : NaN;
  return Number.isNaN(instant) ? new Date() : new Date(instant);
}
