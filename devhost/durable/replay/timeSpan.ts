/**
 * .NET `TimeSpan` text ("d.hh:mm:ss[.fffffff]"), the form the extension sends for
 * `maximumShortTimerDuration` / `longRunningTimerIntervalDuration` and the SDK parses with moment.
 */
export function formatTimeSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`A TimeSpan must be a non-negative number of milliseconds, got ${ms}.`);
  }
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
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
