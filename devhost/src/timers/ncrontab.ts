/**
 * NCRONTAB expressions as the Azure timer trigger reads them (NCrontab 3.3.3, `IncludingSeconds`
 * when the expression does not have exactly five fields), and the next occurrence after a given
 * wall-clock time.
 *
 * Times here are "wall" values: epoch-millisecond numbers whose UTC fields are the local date and
 * time of the schedule's time zone. Mapping wall times to instants (and DST) is `timerSchedule.ts`'s
 * job, as NCrontab itself works on zone-less `DateTime` values.
 */

export type CronFieldName = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'dayOfWeek';

interface FieldSpec {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELD_SPECS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ],
  },
  {
    name: 'dayOfWeek',
    min: 0,
    max: 6,
    names: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  },
];

const FIELD_ORDER = '{second} {minute} {hour} {day} {month} {day-of-week}';

/** Thrown for an expression NCrontab would refuse; `field` names the offending field when there is one. */
export class CronExpressionError extends Error {
  constructor(
    message: string,
    readonly field?: CronFieldName,
  ) {
    super(message);
    this.name = 'CronExpressionError';
  }
}

/** A parsed expression. Each field is the sorted list of values it allows. */
export interface CronExpression {
  readonly source: string;
  /** Five-field expressions have no seconds field; they fire at second 0, as NCrontab does. */
  readonly hasSeconds: boolean;
  readonly second: readonly number[];
  readonly minute: readonly number[];
  readonly hour: readonly number[];
  readonly day: readonly number[];
  readonly month: readonly number[];
  readonly dayOfWeek: readonly number[];
}

export function parseCronExpression(expression: string): CronExpression {
  // NCrontab splits on spaces only and drops empty entries.
  const tokens = expression.split(' ').filter((t) => t.length > 0);
  const hasSeconds = tokens.length !== 5;
  if (tokens.length !== 5 && tokens.length !== 6) {
    throw new CronExpressionError(
      `'${expression}' is not a valid NCRONTAB expression: it has ${tokens.length} field(s), ` +
        `expected 6 (${FIELD_ORDER}) or 5 (without {second}).`,
    );
  }
  const specs = hasSeconds ? FIELD_SPECS : FIELD_SPECS.slice(1);
  const values = new Map<CronFieldName, number[]>();
  specs.forEach((spec, i) => values.set(spec.name, parseField(spec, tokens[i] ?? '')));
  const get = (name: CronFieldName): number[] => values.get(name) ?? [0];
  return {
    source: expression,
    hasSeconds,
    second: get('second'),
    minute: get('minute'),
    hour: get('hour'),
    day: get('day'),
    month: get('month'),
    dayOfWeek: get('dayOfWeek'),
  };
}

function parseField(spec: FieldSpec, text: string): number[] {
  const allowed = new Set<number>();
  // NCrontab only treats a comma after the first character as a list separator.
  const parts = text.indexOf(',') > 0 ? text.split(',') : [text];
  for (const part of parts) addPart(spec, text, part, allowed);
  return [...allowed].sort((a, b) => a - b);
}

function addPart(spec: FieldSpec, whole: string, part: string, allowed: Set<number>): void {
  const fail = (why: string): never => {
    throw new CronExpressionError(
      `'${whole}' is not a valid {${fieldLabel(spec.name)}} field: ${why}`,
      spec.name,
    );
  };
  if (part.length === 0) fail('a list entry is empty.');
  let body = part;
  let step: number | undefined;
  const slash = part.indexOf('/');
  if (slash > 0) {
    const stepText = part.slice(slash + 1);
    // int.Parse accepts a sign; NCrontab then treats any step below 1 as 1.
    if (!/^[+-]?\d+$/.test(stepText)) fail(`the step '${stepText}' is not a whole number.`);
    step = Math.max(1, Number(stepText));
    body = part.slice(0, slash);
  }
  let first: number;
  let last: number;
  if (body === '*') {
    first = spec.min;
    last = spec.max;
  } else {
    const dash = body.indexOf('-');
    if (dash > 0) {
      first = parseValue(spec, body.slice(0, dash), fail);
      last = parseValue(spec, body.slice(dash + 1), fail);
      // NCrontab swaps a reversed range rather than wrapping around.
      if (first > last) [first, last] = [last, first];
    } else {
      first = parseValue(spec, body, fail);
      // `5/15` means from 5 to the field's maximum, every 15.
      last = step === undefined ? first : spec.max;
    }
    if (first < spec.min || last > spec.max) {
      const bad = first < spec.min ? first : last;
      fail(`${bad} is outside ${spec.min}-${spec.max}.`);
    }
  }
  for (let v = first; v <= last; v += step ?? 1) allowed.add(v);
}

function parseValue(spec: FieldSpec, text: string, fail: (why: string) => never): number {
  if (text.length === 0) return fail('a value is empty.');
  if (/^[0-9]/.test(text)) {
    if (!/^\d+$/.test(text)) return fail(`'${text}' is not a whole number.`);
    return Number(text);
  }
  if (!spec.names) {
    return fail(`'${text}' is not a number between ${spec.min} and ${spec.max}.`);
  }
  // NCrontab accepts any case-insensitive prefix of a name and takes the first match (J = January).
  const lower = text.toLowerCase();
  const index = spec.names.findIndex((n) => n.toLowerCase().startsWith(lower));
  if (index < 0) {
    return fail(`'${text}' is not a known name; use one of ${spec.names.join(', ')}.`);
  }
  return index + spec.min;
}

function fieldLabel(name: CronFieldName): string {
  return name === 'dayOfWeek' ? 'day-of-week' : name;
}

const SECOND = 1000;
const LAST_YEAR = 9999;

/**
 * The first wall time strictly after `afterWall` (whole seconds) that the expression allows, or
 * `undefined` if there is none before the year 10000 (e.g. `0 0 0 30 2 *`). Day-of-month and
 * day-of-week must both match, as in NCrontab (not either, as in Vixie cron).
 */
export function nextWallOccurrence(cron: CronExpression, afterWall: number): number | undefined {
  const start = new Date(Math.floor(afterWall / SECOND) * SECOND + SECOND);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  // `timeFloor` is the earliest time of day allowed on the first candidate day only.
  let timeFloor = start.getUTCHours() * 3600 + start.getUTCMinutes() * 60 + start.getUTCSeconds();
  while (year <= LAST_YEAR) {
    if (!cron.month.includes(month)) {
      const nextMonth = cron.month.find((m) => m > month);
      if (nextMonth === undefined) {
        year += 1;
        month = cron.month[0] ?? 1;
      } else {
        month = nextMonth;
      }
      day = 1;
      timeFloor = 0;
      continue;
    }
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    for (; day <= daysInMonth; day += 1, timeFloor = 0) {
      if (!cron.day.includes(day)) continue;
      const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
      if (!cron.dayOfWeek.includes(weekday)) continue;
      const time = firstTimeOfDayFrom(cron, timeFloor);
      if (time !== undefined) {
        return Date.UTC(year, month - 1, day) + time * SECOND;
      }
    }
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    day = 1;
    timeFloor = 0;
  }
  return undefined;
}

/** Seconds since midnight of the first allowed time of day at or after `floor`. */
function firstTimeOfDayFrom(cron: CronExpression, floor: number): number | undefined {
  const floorHour = Math.floor(floor / 3600);
  const floorMinute = Math.floor((floor % 3600) / 60);
  const floorSecond = floor % 60;
  for (const hour of cron.hour) {
    if (hour < floorHour) continue;
    for (const minute of cron.minute) {
      if (hour === floorHour && minute < floorMinute) continue;
      for (const second of cron.second) {
        if (hour === floorHour && minute === floorMinute && second < floorSecond) continue;
        return hour * 3600 + minute * 60 + second;
      }
    }
  }
  return undefined;
}

/**
 * Whether the schedule repeats within a day (any of second/minute/hour allows two consecutive
 * values). The Azure extension decides this from NCrontab's normalized text (a `*` or `-` in those
 * fields) and uses it to keep interval schedules running through a repeated DST hour.
 */
export function isIntervalSchedule(cron: CronExpression): boolean {
  const fields = cron.hasSeconds ? [cron.second, cron.minute, cron.hour] : [cron.minute, cron.hour];
  return fields.some((values) => values.some((v, i) => values[i + 1] === v + 1));
}

/**
 * Whether the expression fires more than once a minute with every field above seconds a `*`;
 * Azure turns the schedule monitor off for such schedules.
 */
export function isSubMinuteSchedule(cron: CronExpression): boolean {
  const full = (values: readonly number[], spec: FieldSpec): boolean =>
    values.length === spec.max - spec.min + 1;
  const [, minute, hour, day, month, dayOfWeek] = FIELD_SPECS as [
    FieldSpec,
    FieldSpec,
    FieldSpec,
    FieldSpec,
    FieldSpec,
    FieldSpec,
  ];
  return (
    cron.hasSeconds &&
    cron.second.length > 1 &&
    full(cron.minute, minute) &&
    full(cron.hour, hour) &&
    full(cron.day, day) &&
    full(cron.month, month) &&
    full(cron.dayOfWeek, dayOfWeek)
  );
}
