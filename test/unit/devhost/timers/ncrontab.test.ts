import {
  CronExpressionError,
  isIntervalSchedule,
  isSubMinuteSchedule,
  nextWallOccurrence,
  parseCronExpression,
} from '../../../../devhost/src/timers/ncrontab';

const at = (iso: string): number => Date.parse(`${iso}Z`);
const iso = (wall: number | undefined): string | undefined =>
  wall === undefined ? undefined : new Date(wall).toISOString().replace('.000Z', '');

function occurrences(expression: string, from: string, count: number): (string | undefined)[] {
  const cron = parseCronExpression(expression);
  const out: (string | undefined)[] = [];
  let t: number | undefined = at(from);
  for (let i = 0; i < count && t !== undefined; i += 1) {
    t = nextWallOccurrence(cron, t);
    out.push(iso(t));
  }
  return out;
}

function parseError(expression: string): CronExpressionError {
  try {
    parseCronExpression(expression);
  } catch (error) {
    if (error instanceof CronExpressionError) return error;
    throw error;
  }
  throw new Error(`'${expression}' parsed`);
}

describe('parsing NCRONTAB expressions', () => {
  it('reads six fields as {second} {minute} {hour} {day} {month} {day-of-week}', () => {
    const cron = parseCronExpression('5 10 2 3 4 1');
    expect(cron).toMatchObject({
      hasSeconds: true,
      second: [5],
      minute: [10],
      hour: [2],
      day: [3],
      month: [4],
      dayOfWeek: [1],
    });
  });

  it('reads five fields without seconds and fires at second 0, as the extension does', () => {
    const cron = parseCronExpression('*/15 * * * *');
    expect(cron.hasSeconds).toBe(false);
    expect(cron.second).toEqual([0]);
    expect(cron.minute).toEqual([0, 15, 30, 45]);
  });

  it('ignores repeated spaces between fields', () => {
    expect(parseCronExpression('  0  0   12 * * * ').hour).toEqual([12]);
  });

  it('expands ranges, lists, steps and stepped ranges', () => {
    const cron = parseCronExpression('1,2,30-32 0-10/5 */6 5/10 * *');
    expect(cron.second).toEqual([1, 2, 30, 31, 32]);
    expect(cron.minute).toEqual([0, 5, 10]);
    expect(cron.hour).toEqual([0, 6, 12, 18]);
    expect(cron.day).toEqual([5, 15, 25]);
  });

  it('swaps a reversed range instead of wrapping around, as NCrontab does', () => {
    expect(parseCronExpression('0 0 5-2 * * *').hour).toEqual([2, 3, 4, 5]);
  });

  it('treats a step of zero as every value, as NCrontab does', () => {
    expect(parseCronExpression('*/0 * * * * *').second).toHaveLength(60);
  });

  it('accepts month and weekday names, any case, and any prefix of the name', () => {
    const cron = parseCronExpression('0 0 0 * jan,Mar-May,DECEMBER Mon-Fri');
    expect(cron.month).toEqual([1, 3, 4, 5, 12]);
    expect(cron.dayOfWeek).toEqual([1, 2, 3, 4, 5]);
    // NCrontab takes the first name the prefix matches: J is January, T is Tuesday.
    expect(parseCronExpression('0 0 0 * J T').month).toEqual([1]);
    expect(parseCronExpression('0 0 0 * J T').dayOfWeek).toEqual([2]);
  });

  it('refuses a wrong number of fields and says what is expected', () => {
    expect(parseError('0 */5 * * *  * *').message).toMatch(
      /has 7 field\(s\), expected 6 \(\{second\} \{minute\} \{hour\} \{day\} \{month\} \{day-of-week\}\) or 5/,
    );
    expect(parseError('').message).toMatch(/has 0 field/);
  });

  it.each([
    ['60 * * * * *', 'second', /60 is outside 0-59/],
    ['0 */x * * * *', 'minute', /step 'x' is not a whole number/],
    ['0 0 24 * * *', 'hour', /24 is outside 0-23/],
    ['0 0 0 0 * *', 'day', /0 is outside 1-31/],
    ['0 0 0 * 13 *', 'month', /13 is outside 1-12/],
    ['0 0 0 * Foo *', 'month', /'Foo' is not a known name; use one of January/],
    ['0 0 0 * * 7', 'dayOfWeek', /7 is outside 0-6/],
    ['0 1,,2 * * * *', 'minute', /a list entry is empty/],
    ['0 1x * * * *', 'minute', /'1x' is not a whole number/],
    ['0 abc * * * *', 'minute', /'abc' is not a number between 0 and 59/],
    ['0 5- * * * *', 'minute', /a value is empty/],
  ])('refuses %p and names the %s field', (expression, field, message) => {
    const error = parseError(expression);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('labels the day-of-week field the way the documentation writes it', () => {
    expect(parseError('0 0 0 * * Funday').message).toMatch(/\{day-of-week\} field/);
  });
});

describe('next occurrence', () => {
  it('steps every five minutes on the second 0', () => {
    expect(occurrences('0 */5 * * * *', '2030-01-01T00:00:00', 3)).toEqual([
      '2030-01-01T00:05:00',
      '2030-01-01T00:10:00',
      '2030-01-01T00:15:00',
    ]);
  });

  it('is strictly after the base time, ignoring its milliseconds', () => {
    const cron = parseCronExpression('* * * * * *');
    expect(iso(nextWallOccurrence(cron, at('2030-01-01T00:00:00.999')))).toBe('2030-01-01T00:00:01');
  });

  it('rolls over hours, days, months and years', () => {
    expect(occurrences('0 0 0 1 1 *', '2030-06-15T12:00:00', 2)).toEqual([
      '2031-01-01T00:00:00',
      '2032-01-01T00:00:00',
    ]);
    expect(occurrences('30 59 23 * * *', '2030-12-31T23:59:30', 1)).toEqual(['2031-01-01T23:59:30']);
  });

  it('skips months that lack the day (the 31st)', () => {
    expect(occurrences('0 0 0 31 * *', '2030-01-31T00:00:00', 4)).toEqual([
      '2030-03-31T00:00:00',
      '2030-05-31T00:00:00',
      '2030-07-31T00:00:00',
      '2030-08-31T00:00:00',
    ]);
  });

  it('finds 29 February only in leap years, and not in 2100', () => {
    expect(occurrences('0 0 0 29 2 *', '2024-03-01T00:00:00', 1)).toEqual(['2028-02-29T00:00:00']);
    expect(occurrences('0 0 0 29 2 *', '2096-03-01T00:00:00', 1)).toEqual(['2104-02-29T00:00:00']);
  });

  it('fires on the last day of February in leap and common years with a 28-29 list', () => {
    expect(occurrences('0 0 12 28,29 2 *', '2031-01-01T00:00:00', 3)).toEqual([
      '2031-02-28T12:00:00',
      '2032-02-28T12:00:00',
      '2032-02-29T12:00:00',
    ]);
  });

  it('requires both day-of-month and day-of-week to match (NCrontab, not Vixie cron)', () => {
    // Friday the 13th.
    expect(occurrences('0 0 9 13 * Fri', '2030-01-01T00:00:00', 2)).toEqual([
      '2030-09-13T09:00:00',
      '2030-12-13T09:00:00',
    ]);
  });

  it('fires on weekdays only for Mon-Fri', () => {
    // 2030-01-04 is a Friday.
    expect(occurrences('0 30 9 * * 1-5', '2030-01-04T10:00:00', 2)).toEqual([
      '2030-01-07T09:30:00',
      '2030-01-08T09:30:00',
    ]);
  });

  it('finds a later time on the same day before moving to the next day', () => {
    expect(occurrences('0 0 8,17 * * *', '2030-01-01T12:00:00', 2)).toEqual([
      '2030-01-01T17:00:00',
      '2030-01-02T08:00:00',
    ]);
  });

  it('returns undefined for a schedule that never occurs (30 February)', () => {
    expect(occurrences('0 0 0 30 2 *', '2030-01-01T00:00:00', 1)).toEqual([undefined]);
  });
});

describe('schedule classification', () => {
  it('calls a schedule an interval when seconds, minutes or hours repeat within a day', () => {
    expect(isIntervalSchedule(parseCronExpression('0 */30 * * * *'))).toBe(true);
    expect(isIntervalSchedule(parseCronExpression('0 0-1 3 * * *'))).toBe(true);
    expect(isIntervalSchedule(parseCronExpression('0 30 1 * * *'))).toBe(false);
    expect(isIntervalSchedule(parseCronExpression('0 0,30 1 * * *'))).toBe(false);
    expect(isIntervalSchedule(parseCronExpression('30 1 * * *'))).toBe(false);
    // NCrontab normalizes */5 to a list (0,5,10...), which the extension does not count as an interval.
    expect(isIntervalSchedule(parseCronExpression('*/5 1 * * *'))).toBe(false);
    expect(isIntervalSchedule(parseCronExpression('* 1 * * *'))).toBe(true);
  });

  it('recognizes schedules that fire more than once a minute', () => {
    expect(isSubMinuteSchedule(parseCronExpression('*/10 * * * * *'))).toBe(true);
    expect(isSubMinuteSchedule(parseCronExpression('0 * * * * *'))).toBe(false);
    expect(isSubMinuteSchedule(parseCronExpression('*/10 0 * * * *'))).toBe(false);
    expect(isSubMinuteSchedule(parseCronExpression('* * * * *'))).toBe(false);
  });
});
