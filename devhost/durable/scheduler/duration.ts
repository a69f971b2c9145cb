/** Durations as tests and settings write them: milliseconds, `'250ms'`, `'5m'`, `'24h'`, `'10d'`,
 * or a .NET TimeSpan (`'00:05:00'`, `'6.00:00:00'`) as host.json uses. */
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
  const timeSpan = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(text);
  if (timeSpan) {
    const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = '0'] = timeSpan;
    return (
      ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
      Number(seconds) * 1000 +
      Math.round(Number(`0.${fraction}`) * 1000)
    );
  }
  throw new RangeError(
    `Cannot read the duration '${duration}': use milliseconds, a number with ms/s/m/h/d (e.g. '24h', '10d'), or hh:mm:ss.`,
  );
}
