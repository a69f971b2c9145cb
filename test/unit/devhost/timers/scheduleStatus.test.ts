import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPastDue } from '../../../../devhost/src/timers/pastDue';
import {
  fileStatusStore,
  formatDotNetDate,
  fromScheduleStatusJson,
  statusFilePath,
  toScheduleStatusJson,
  type UnreadableStatusError,
} from '../../../../devhost/src/timers/scheduleStatus';
import { ianaTimeZone, UTC_ZONE } from '../../../../devhost/src/timers/timeZone';

const t = (iso: string): number => Date.parse(iso);
const everyFiveMinutes = (instant: number): number => (Math.floor(instant / 300_000) + 1) * 300_000;

describe('schedule status text', () => {
  it('writes dates as the host serializes local DateTimes: offset always, fraction only when set', () => {
    expect(formatDotNetDate(t('2030-01-01T10:05:00Z'), UTC_ZONE, 0)).toBe('2030-01-01T10:05:00+00:00');
    expect(formatDotNetDate(t('2030-01-01T10:05:00.120Z'), UTC_ZONE, 0)).toBe('2030-01-01T10:05:00.12+00:00');
    const berlin = ianaTimeZone('Europe/Berlin');
    expect(formatDotNetDate(t('2030-07-01T10:05:00Z'), berlin, 0)).toBe('2030-07-01T12:05:00+02:00');
  });

  it("writes a never-set date as .NET's default(DateTime)", () => {
    expect(formatDotNetDate(null, UTC_ZONE, 0)).toBe('0001-01-01T00:00:00+00:00');
  });

  it('reads back what it writes, including never-set dates', () => {
    const status = { last: null, next: t('2030-01-01T10:05:00Z'), lastUpdated: t('2030-01-01T10:00:00.5Z') };
    expect(fromScheduleStatusJson(toScheduleStatusJson(status, UTC_ZONE, 0))).toEqual(status);
  });

  it('reads the record Azure keeps, with seven-digit fractions', () => {
    expect(
      fromScheduleStatusJson({
        Last: '2022-10-11T10:52:00.003967+02:00',
        Next: '2022-10-11T10:53:00+02:00',
        LastUpdated: '2022-10-11T10:52:00.003967+02:00',
      }),
    ).toEqual({
      last: t('2022-10-11T08:52:00.003Z'),
      next: t('2022-10-11T08:53:00Z'),
      lastUpdated: t('2022-10-11T08:52:00.003Z'),
    });
  });
});

describe('schedule status files', () => {
  let appDir: string;
  beforeEach(async () => {
    appDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-timers-'));
  });
  afterEach(async () => {
    await fs.rm(appDir, { recursive: true, force: true });
  });

  it('keeps one JSON file per function under <stateDir>/timers and survives a new store', async () => {
    const status = {
      last: t('2030-01-01T10:00:00Z'),
      next: t('2030-01-01T10:05:00Z'),
      lastUpdated: t('2030-01-01T10:00:00Z'),
    };
    await fileStatusStore(appDir, UTC_ZONE, () => 0, fail).write('tick', status);
    const text = await fs.readFile(path.join(appDir, 'timers', 'tick.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({
      Last: '2030-01-01T10:00:00+00:00',
      Next: '2030-01-01T10:05:00+00:00',
      LastUpdated: '2030-01-01T10:00:00+00:00',
    });
    expect(await fileStatusStore(appDir, UTC_ZONE, () => 0, fail).read('tick')).toEqual(status);
  });

  it('has no status for a function that never ran', async () => {
    expect(await fileStatusStore(appDir, UTC_ZONE, () => 0, fail).read('never')).toBeUndefined();
  });

  it('warns about an unreadable file and treats it as absent', async () => {
    const file = statusFilePath(appDir, 'tick');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"Last": 3');
    const warnings: UnreadableStatusError[] = [];
    const status = await fileStatusStore(
      appDir,
      UTC_ZONE,
      () => 0,
      (w) => warnings.push(w),
    ).read('tick');
    expect(status).toBeUndefined();
    expect(warnings[0]?.message).toMatch(/tick\.json is unreadable .*Delete the file/);
  });

  it('keeps function names from escaping the folder', () => {
    expect(statusFilePath('/state', '../x/y')).toBe(path.join('/state', 'timers', '.._x_y.json'));
  });
});

describe('past-due check at start', () => {
  const now = t('2030-01-01T10:12:00Z');

  it('records a first status and is not past due when nothing was stored', () => {
    expect(checkPastDue(undefined, now, everyFiveMinutes)).toEqual({
      status: { last: null, next: t('2030-01-01T10:15:00Z'), lastUpdated: null },
      toWrite: { last: null, next: t('2030-01-01T10:15:00Z'), lastUpdated: now },
      isPastDue: false,
    });
  });

  it('is past due when the stored next occurrence passed while the host was down', () => {
    const stored = {
      last: t('2030-01-01T10:00:00Z'),
      next: t('2030-01-01T10:05:00Z'),
      lastUpdated: t('2030-01-01T10:00:00Z'),
    };
    expect(checkPastDue(stored, now, everyFiveMinutes)).toEqual({
      status: stored,
      toWrite: undefined,
      isPastDue: true,
    });
  });

  it('is not past due when the stored next occurrence is still ahead', () => {
    const stored = {
      last: t('2030-01-01T10:10:00Z'),
      next: t('2030-01-01T10:15:00Z'),
      lastUpdated: t('2030-01-01T10:10:00Z'),
    };
    expect(checkPastDue(stored, now, everyFiveMinutes).isPastDue).toBe(false);
  });

  it('uses LastUpdated when the function never ran', () => {
    const stored = { last: null, next: t('2030-01-01T10:05:00Z'), lastUpdated: t('2030-01-01T10:01:00Z') };
    expect(checkPastDue(stored, now, everyFiveMinutes).isPastDue).toBe(true);
  });

  it('starts afresh, not past due, when the schedule changed and its next occurrence passed', () => {
    const stored = {
      last: t('2030-01-01T09:58:00Z'),
      next: t('2030-01-01T10:00:00Z'),
      lastUpdated: t('2030-01-01T09:58:00Z'),
    };
    // The old schedule's next occurrence after 09:58 was 10:00; every seven minutes it is 10:01.
    const everySeven = (instant: number): number => (Math.floor(instant / 420_000) + 1) * 420_000;
    const check = checkPastDue(stored, now, everySeven);
    expect(check.isPastDue).toBe(false);
    expect(check.toWrite).toEqual({ last: null, next: everySeven(now), lastUpdated: now });
    expect(check.status).toEqual(check.toWrite);
  });
});

function fail(error: Error): void {
  throw error;
}
