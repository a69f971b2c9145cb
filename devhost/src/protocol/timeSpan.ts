/**
 * .NET `TimeSpan` text, the one reader and writer devhost uses for it: host.json settings
 * (`functionTimeout`, durable visibility timeouts), TimeSpan timer schedules, and the timer
 * settings the orchestration trigger payload carries.
 */

const DAY_MS = 86_400_000;
/** `TimeSpan.MaxValue` in whole days. */
const MAX_DAYS = 10_675_199;

/**
 * `TimeSpan.Parse` as the host applies it (invariant culture, whose localized pattern is
 * `d:h:mm:ss`): `d` alone (days), `hh:mm`, `hh:mm:ss`, `d.hh:mm[:ss]`, `d:hh:mm:ss`, each with an
 * optional `.fffffff` on the seconds and a leading `-`. Hours above 23, minutes or seconds above
 * 59 are out of range, as in .NET. Milliseconds, or `undefined` when the text is not a TimeSpan.
 */
export function parseTimeSpan(text: string): number | undefined {
  const trimmed = text.trim();
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const body = sign < 0 ? trimmed.slice(1) : trimmed;
  const match =
    /^(\d+)$/.exec(body) ??
    /^(?:(\d+)\.)?(\d+):(\d+)(?::(\d+)(?:\.(\d{1,7}))?)?$/.exec(body) ??
    /^(\d+):(\d+):(\d+):(\d+)(?:\.(\d{1,7}))?$/.exec(body);
  if (!match) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = '0'] = match;
  const h = Number(hours);
  const m = Number(minutes);
  const s = Number(seconds);
  if (Number(days) > MAX_DAYS || h > 23 || m > 59 || s > 59) return undefined;
  const ms =
    Number(days) * DAY_MS + ((h * 60 + m) * 60 + s) * 1000 + Math.round(Number(`0.${fraction}`) * 1000);
  return sign * ms;
}

/**
 * .NET `TimeSpan` text (`[d.]hh:mm:ss[.fffffff]`, the constant "c" format), the form the
 * extension sends for `maximumShortTimerDuration` / `longRunningTimerIntervalDuration` and the SDK
 * parses with moment.
 */
export function formatTimeSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`A TimeSpan must be a non-negative number of milliseconds, got ${ms}.`);
  }
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const fraction = Math.round((rest - seconds * 1000) * 10_000);
  const clock = `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fraction > 0 ? `.${String(fraction).padStart(7, '0')}` : ''}`;
  return days > 0 ? `${days}.${clock}` : clock;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
