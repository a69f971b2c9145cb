/** Pure statistics for the report. */

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * The p-th percentile of latencies some of which are unfinished (each only known to be at least
 * its value). The nearest-rank percentile over both is always a lower bound of the true one, and
 * it is exact when no unfinished latency is at or below it (those are above it whatever they turn
 * out to be). Leaving the unfinished out instead reads too low: they are the slow ones.
 */
export function censoredPercentile(
  done: readonly number[],
  unfinished: readonly number[],
  p: number,
): { value: number; lowerBound: boolean } {
  const value = percentile([...done, ...unfinished], p);
  return { value, lowerBound: unfinished.some((u) => u <= value) };
}

export interface Spread {
  min: number;
  median: number;
  max: number;
  n: number;
}

/** Min, median (lower of the middle two) and max; undefined when there are no values. */
export function spread(values: readonly number[]): Spread | undefined {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  return {
    min: finite[0] as number,
    median: finite[Math.floor((finite.length - 1) / 2)] as number,
    max: finite[finite.length - 1] as number,
    n: finite.length,
  };
}
