/**
 * Durations as tests write them for `clock.advance`: milliseconds, `'250ms'`, `'5m'`, `'24h'`,
 * `'10d'`, or a .NET TimeSpan with colons (`'00:05:00'`, `'6.00:00:00'`). host.json settings are
 * TimeSpans only and go through `parseTimeSpan`.
 */
import { parseTimeSpan } from '../protocol/timeSpan';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export type Duration = number | string;

export function parseDuration(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new RangeError(`A duration must be a finite number of milliseconds >= 0; got ${duration}.`);
    }
    return duration;
  }
  const text = duration.trim();
  const units = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text);
  if (units?.[1] !== undefined && units[2] !== undefined) return Number(units[1]) * (UNIT_MS[units[2]] ?? 0);
  // A bare number is days to TimeSpan.Parse but could be meant as milliseconds: ask for a unit.
  const timeSpan = text.includes(':') ? parseTimeSpan(text) : undefined;
  if (timeSpan !== undefined && timeSpan >= 0) return timeSpan;
  throw new RangeError(
    `Cannot read the duration '${duration}': use milliseconds, a number with ms/s/m/h/d (e.g. '24h', '10d'), or hh:mm:ss.`,
  );
}
