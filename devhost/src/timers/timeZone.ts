import { WINDOWS_TO_IANA } from './windowsTimeZones';

/**
 * The time zone a timer schedule is read in: `WEBSITE_TIME_ZONE` as an IANA name (what Azure
 * accepts on Linux) or a common Windows id (what it accepts on Windows), else UTC as in Azure. Converts between instants and wall times (epoch-ms
 * numbers whose UTC fields are the local date and time) with the platform's time zone data.
 */

export class TimeZoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeZoneError';
  }
}

export interface TimeZone {
  readonly name: string;
  /** Wall time of an instant. */
  toWall(instant: number): number;
  /** Offset from UTC in ms at an instant (wall - instant). */
  offsetAt(instant: number): number;
  /**
   * The instants that show this wall time: one normally, two in a repeated (fall-back) hour,
   * none in a skipped (spring-forward) hour. Ascending.
   */
  instantsOf(wall: number): number[];
  /**
   * The instant .NET gives a local `DateTime` (`new DateTimeOffset(local)`): ambiguous and
   * skipped wall times both take the offset in force before the transition's "standard" side,
   * i.e. a repeated time maps to its later instant and a skipped time is moved forward by the gap.
   */
  dotNetInstantOf(wall: number): number;
}

const DAY = 86_400_000;

export const UTC_ZONE: TimeZone = {
  name: 'UTC',
  toWall: (instant) => instant,
  offsetAt: () => 0,
  instantsOf: (wall) => [wall],
  dotNetInstantOf: (wall) => wall,
};

/** Resolves the zone from settings; `undefined`/empty means UTC. */
export function timeZoneFromSettings(env: Record<string, string | undefined>): TimeZone {
  const name = env.WEBSITE_TIME_ZONE?.trim();
  if (!name || name.toUpperCase() === 'UTC' || name === 'Etc/UTC') return UTC_ZONE;
  const iana = WINDOWS_TO_IANA[name];
  if (iana) return ianaTimeZone(iana, name);
  return ianaTimeZone(name);
}

/** `label` is how the zone was named in settings, when that differs from its IANA name. */
export function ianaTimeZone(name: string, label = name): TimeZone {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new TimeZoneError(
      `WEBSITE_TIME_ZONE '${label}' is not a time zone devhost knows. Use an IANA name such as ` +
        `'America/New_York' or 'Europe/Berlin' (as Azure does on Linux), or a common Windows id ` +
        `such as 'Eastern Standard Time'.`,
    );
  }
  const toWall = (instant: number): number => {
    const fields: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(instant))) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
    );
    // formatToParts drops milliseconds; keep them so toWall is exact.
    return wall + (((instant % 1000) + 1000) % 1000);
  };
  const offsetAt = (instant: number): number => toWall(instant) - instant;
  const instantsOf = (wall: number): number[] => {
    const candidates = new Set([wall - offsetAt(wall - DAY), wall - offsetAt(wall + DAY)]);
    return [...candidates].filter((i) => toWall(i) === wall).sort((a, b) => a - b);
  };
  return {
    name: label === name ? name : `${label} (${name})`,
    toWall,
    offsetAt,
    instantsOf,
    dotNetInstantOf: (wall) => {
      const instants = instantsOf(wall);
      if (instants.length > 0) return instants[instants.length - 1] ?? wall;
      return wall - offsetAt(wall - DAY);
    },
  };
}
