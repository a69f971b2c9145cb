/** Pure statistics for the report. */

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
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
