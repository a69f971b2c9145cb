import { MissingAppSettingError } from '../../../../devhost/src/config/appSettings';
import {
  createTimerSchedule,
  ScheduleError,
  type TimerSchedule,
} from '../../../../devhost/src/timers/timerSchedule';
import {
  ianaTimeZone,
  timeZoneFromSettings,
  TimeZoneError,
  UTC_ZONE,
} from '../../../../devhost/src/timers/timeZone';
import { WINDOWS_TO_IANA } from '../../../../devhost/src/timers/windowsTimeZones';

const pacific = ianaTimeZone('America/Los_Angeles');

/** The instant of a local time written with its offset, as the extension's tests write them. */
const local = (wall: string, offsetHours: number): number => Date.parse(`${wall}Z`) - offsetHours * 3_600_000;

function nextN(schedule: TimerSchedule, from: number, count: number): number[] {
  const out: number[] = [];
  let t = from;
  for (let i = 0; i < count; i += 1) {
    const next = schedule.nextAfter(t);
    if (next === undefined) break;
    out.push(next);
    t = next;
  }
  return out;
}

function scheduleError(schedule: unknown, settings: Record<string, string> = {}): ScheduleError {
  try {
    createTimerSchedule(schedule, UTC_ZONE, settings);
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
  throw new Error('schedule was accepted');
}

describe('timer schedules', () => {
  it('reads a cron expression in UTC when no time zone is set', () => {
    const schedule = createTimerSchedule('0 0 9 * * *', timeZoneFromSettings({}), {});
    expect(schedule.kind).toBe('cron');
    expect(schedule.adjustForDst).toBe(true);
    expect(schedule.nextAfter(Date.parse('2030-01-01T10:00:00Z'))).toBe(Date.parse('2030-01-02T09:00:00Z'));
  });

  it('reads the schedule in WEBSITE_TIME_ZONE', () => {
    const zone = timeZoneFromSettings({ WEBSITE_TIME_ZONE: 'Europe/Berlin' });
    const schedule = createTimerSchedule('0 0 9 * * *', zone, {});
    // 09:00 in Berlin in winter is 08:00 UTC.
    expect(schedule.nextAfter(Date.parse('2030-01-01T10:00:00Z'))).toBe(Date.parse('2030-01-02T08:00:00Z'));
  });

  it('accepts the Windows time zone ids that Windows plans use', () => {
    const zone = timeZoneFromSettings({ WEBSITE_TIME_ZONE: 'W. Europe Standard Time' });
    expect(zone.name).toBe('W. Europe Standard Time (Europe/Berlin)');
    expect(zone.offsetAt(Date.parse('2030-07-01T00:00:00Z'))).toBe(2 * 3_600_000);
  });

  it('checks that every Windows id it maps is known to the platform', () => {
    for (const [windows, iana] of Object.entries(WINDOWS_TO_IANA)) {
      expect(() => ianaTimeZone(iana, windows)).not.toThrow();
    }
  });

  it('refuses a time zone name it does not know, and says what to use', () => {
    expect(() => timeZoneFromSettings({ WEBSITE_TIME_ZONE: 'Mars/Olympus_Mons' })).toThrow(TimeZoneError);
    expect(() => timeZoneFromSettings({ WEBSITE_TIME_ZONE: 'Mars/Olympus_Mons' })).toThrow(
      /'Mars\/Olympus_Mons' is not a time zone devhost knows. Use an IANA name such as 'America\/New_York'/,
    );
  });

  it('resolves a %setting% schedule from app settings', () => {
    const schedule = createTimerSchedule('%TickSchedule%', UTC_ZONE, { TickSchedule: '0 */5 * * * *' });
    expect(schedule.expression).toBe('0 */5 * * * *');
  });

  it('names the missing app setting behind a %setting% schedule', () => {
    const resolve = () => createTimerSchedule('%TickSchedule%', UTC_ZONE, {});
    expect(resolve).toThrow(MissingAppSettingError);
    expect(resolve).toThrow(/the schedule refers to the app setting 'TickSchedule', which is not set/);
  });

  it('accepts a TimeSpan as a constant interval that ignores DST', () => {
    const schedule = createTimerSchedule('01:30:00', pacific, {});
    expect(schedule.kind).toBe('constant');
    expect(schedule.adjustForDst).toBe(false);
    const start = local('2018-03-11T01:00:00', -8);
    expect(schedule.nextAfter(start)).toBe(start + 90 * 60_000);
  });

  it('flags sub-minute schedules so the monitor can be turned off, as in Azure', () => {
    expect(createTimerSchedule('00:00:30', UTC_ZONE, {}).firesMoreThanOncePerMinute).toBe(true);
    expect(createTimerSchedule('*/10 * * * * *', UTC_ZONE, {}).firesMoreThanOncePerMinute).toBe(true);
    expect(createTimerSchedule('0 * * * * *', UTC_ZONE, {}).firesMoreThanOncePerMinute).toBe(false);
  });

  it('refuses a bad expression naming the cron field', () => {
    const error = scheduleError('0 */5 25 * * *');
    expect(error.field).toBe('hour');
    expect(error.message).toMatch(
      /not a valid cron expression or TimeSpan string.*\{hour\} field: 25 is outside 0-23/,
    );
  });

  it('refuses a missing schedule and a zero interval', () => {
    expect(scheduleError(undefined).message).toMatch(/'schedule' property is missing/);
    expect(scheduleError('00:00:00').message).toMatch(/must be longer than zero/);
  });

  it('returns undefined for a schedule that never occurs', () => {
    expect(createTimerSchedule('0 0 0 31 4 *', UTC_ZONE, {}).nextAfter(0)).toBeUndefined();
  });
});

describe('daylight saving time (America/Los_Angeles, the extension test cases)', () => {
  it('moves an hourly occurrence in the skipped hour forward when DST starts', () => {
    const schedule = createTimerSchedule('0 30 * * * *', pacific, {});
    expect(nextN(schedule, local('2018-03-11T00:00:00', -8), 5)).toEqual([
      local('2018-03-11T00:30:00', -8),
      local('2018-03-11T01:30:00', -8),
      local('2018-03-11T03:30:00', -7),
      local('2018-03-11T04:30:00', -7),
      local('2018-03-11T05:30:00', -7),
    ]);
  });

  it('runs a daily 02:30 at 03:30 on the day 02:30 does not exist', () => {
    const schedule = createTimerSchedule('0 30 2 * * *', pacific, {});
    expect(nextN(schedule, local('2018-03-10T12:00:00', -8), 2)).toEqual([
      local('2018-03-11T03:30:00', -7),
      local('2018-03-12T02:30:00', -7),
    ]);
  });

  it('keeps a daily 01:30 across the start of DST', () => {
    const schedule = createTimerSchedule('0 30 1 * * *', pacific, {});
    expect(nextN(schedule, local('2018-03-10T00:00:00', -8), 3)).toEqual([
      local('2018-03-10T01:30:00', -8),
      local('2018-03-11T01:30:00', -8),
      local('2018-03-12T01:30:00', -7),
    ]);
  });

  it('runs an interval schedule through both copies of the repeated hour', () => {
    const schedule = createTimerSchedule('0 */20 * * * *', pacific, {});
    expect(nextN(schedule, local('2018-11-04T00:30:00', -7), 9)).toEqual([
      local('2018-11-04T00:40:00', -7),
      local('2018-11-04T01:00:00', -7),
      local('2018-11-04T01:20:00', -7),
      local('2018-11-04T01:40:00', -7),
      local('2018-11-04T01:00:00', -8),
      local('2018-11-04T01:20:00', -8),
      local('2018-11-04T01:40:00', -8),
      local('2018-11-04T02:00:00', -8),
      local('2018-11-04T02:20:00', -8),
    ]);
  });

  it('runs an hourly schedule in both copies of the repeated hour', () => {
    const schedule = createTimerSchedule('0 30 * * * *', pacific, {});
    expect(nextN(schedule, local('2018-11-04T00:00:00', -7), 5)).toEqual([
      local('2018-11-04T00:30:00', -7),
      local('2018-11-04T01:30:00', -7),
      local('2018-11-04T01:30:00', -8),
      local('2018-11-04T02:30:00', -8),
      local('2018-11-04T03:30:00', -8),
    ]);
  });

  it('runs a daily 01:30 only once on the day the hour repeats', () => {
    const schedule = createTimerSchedule('0 30 1 * * *', pacific, {});
    expect(nextN(schedule, local('2018-11-03T00:00:00', -7), 4)).toEqual([
      local('2018-11-03T01:30:00', -7),
      local('2018-11-04T01:30:00', -7),
      local('2018-11-05T01:30:00', -8),
      local('2018-11-06T01:30:00', -8),
    ]);
  });

  it('skips the second 01:30 when starting inside the repeated hour', () => {
    const schedule = createTimerSchedule('0 30 1 * * *', pacific, {});
    expect(schedule.nextAfter(local('2018-11-04T01:29:00', -8))).toBe(local('2018-11-05T01:30:00', -8));
  });
});
