/**
 * A timer trigger's schedule as the Azure extension builds it (`TimerSchedule.Create`): an
 * NCRONTAB expression first, else a .NET TimeSpan (`hh:mm:ss`, a constant interval). Next
 * occurrences are instants (epoch ms), computed in the schedule's time zone with the extension's
 * daylight-saving rules (`CronSchedule.GetNextOccurrence`).
 */
import {
  CronExpressionError,
  isIntervalSchedule,
  isSubMinuteSchedule,
  nextWallOccurrence,
  parseCronExpression,
  type CronExpression,
} from './ncrontab';
import { resolveAppSettings } from '../config/appSettings';
import { parseTimeSpan } from '../protocol/timeSpan';
import { type TimeZone } from './timeZone';

export interface TimerSchedule {
  readonly kind: 'cron' | 'constant';
  /** The expression after `%setting%` resolution. */
  readonly expression: string;
  /** What the worker receives as `Schedule.AdjustForDST`: true for cron, false for constant. */
  readonly adjustForDst: boolean;
  /** Azure turns the schedule monitor off for schedules that fire more than once a minute. */
  readonly firesMoreThanOncePerMinute: boolean;
  /** The first occurrence strictly after `instant`, or `undefined` if the schedule never fires again. */
  nextAfter(instant: number): number | undefined;
  describe(): string;
}

export class ScheduleError extends Error {
  constructor(
    message: string,
    /** The cron field at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/**
 * Resolves `%Name%` from app settings as the host's name resolver does (a missing one throws
 * `MissingAppSettingError`), then parses the result.
 */
export function createTimerSchedule(
  schedule: unknown,
  zone: TimeZone,
  settings: Record<string, string | undefined>,
): TimerSchedule {
  if (typeof schedule !== 'string' || schedule.trim().length === 0) {
    throw new ScheduleError(
      "the 'schedule' property is missing or empty; give an NCRONTAB expression such as '0 */5 * * * *'.",
    );
  }
  const expression = resolveAppSettings(schedule, settings, 'the schedule');
  let cronError: CronExpressionError | undefined;
  try {
    return cronSchedule(parseCronExpression(expression), zone);
  } catch (error) {
    if (!(error instanceof CronExpressionError)) throw error;
    cronError = error;
  }
  const interval = parseTimeSpan(expression);
  if (interval !== undefined) {
    if (interval <= 0) {
      throw new ScheduleError(`the TimeSpan schedule '${expression}' must be longer than zero.`);
    }
    return constantSchedule(expression, interval);
  }
  throw new ScheduleError(
    `'${expression}' is not a valid cron expression or TimeSpan string. ${cronError.message}`,
    cronError.field,
  );
}

function cronSchedule(cron: CronExpression, zone: TimeZone): TimerSchedule {
  const interval = isIntervalSchedule(cron);
  const nextAfter = (instant: number): number | undefined => {
    const nowWall = zone.toWall(instant);
    const nextWall = nextWallOccurrence(cron, nowWall);
    if (nextWall === undefined) return undefined;
    const next = zone.dotNetInstantOf(nextWall);
    return adjustForRepeatedHour(cron, zone, interval, instant, next);
  };
  return {
    kind: 'cron',
    expression: cron.source,
    adjustForDst: true,
    firesMoreThanOncePerMinute: isSubMinuteSchedule(cron),
    nextAfter,
    describe: () => `Cron: '${cron.source}'`,
  };
}

/**
 * The extension's "fall back" rules: a point-in-time schedule (e.g. daily at 01:30) runs once in
 * a repeated hour, at its first (daylight) instant; an interval schedule runs through both copies
 * of the hour. Skipped (spring-forward) times were already moved forward by `dotNetInstantOf`.
 */
function adjustForRepeatedHour(
  cron: CronExpression,
  zone: TimeZone,
  interval: boolean,
  now: number,
  next: number,
): number | undefined {
  const nowAmbiguous = zone.instantsOf(zone.toWall(now)).length > 1;
  const nextAmbiguous = zone.instantsOf(zone.toWall(next)).length > 1;
  if (!nowAmbiguous && !nextAmbiguous) return next;
  const offsetChange = zone.offsetAt(next) - zone.offsetAt(now);
  if (!interval && nextAmbiguous && offsetChange !== 0) return next + offsetChange;
  if (!interval && nextAmbiguous) {
    // Already on the second copy of the hour: the first copy ran, so skip past the repeat.
    let wall: number | undefined = zone.toWall(next);
    while (wall !== undefined && zone.instantsOf(wall).length > 1) {
      wall = nextWallOccurrence(cron, wall);
    }
    return wall === undefined ? undefined : zone.dotNetInstantOf(wall);
  }
  if (interval && offsetChange !== 0) return next + offsetChange;
  return next;
}

function constantSchedule(expression: string, intervalMs: number): TimerSchedule {
  return {
    kind: 'constant',
    expression,
    adjustForDst: false,
    firesMoreThanOncePerMinute: intervalMs < 60_000,
    nextAfter: (instant) => instant + intervalMs,
    describe: () => `Constant: ${expression}`,
  };
}
