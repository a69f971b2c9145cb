/**
 * .NET `TimeSpan` strings as host.json uses them (`[-][d.]hh:mm[:ss[.fffffff]]`), e.g.
 * `functionTimeout: "00:10:00"`.
 */
export function parseTimeSpan(text: string): number | undefined {
  const match = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/.exec(text.trim());
  if (!match) return undefined;
  const [, negative, days, hours, minutes, seconds, fraction] = match;
  const h = Number(hours);
  const m = Number(minutes);
  const s = Number(seconds ?? '0');
  if (h > 23 || m > 59 || s > 59) return undefined;
  const ms =
    ((Number(days ?? '0') * 24 + h) * 60 + m) * 60_000 + s * 1000 + Number(`0.${fraction ?? '0'}`) * 1000;
  return negative ? -ms : ms;
}
