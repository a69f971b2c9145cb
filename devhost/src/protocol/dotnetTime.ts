/**
 * .NET `DateTime` values as the entity message sorter needs them: 100-nanosecond ticks (the sorter
 * adds one tick to keep labels monotonic, which milliseconds cannot express) and Newtonsoft's JSON
 * text for them. Ticks are counted from the Unix epoch as a bigint. Pure.
 */

/** Ticks per millisecond. */
const TICKS_PER_MS = 10_000n;

/** `DateTime.MinValue` (0001-01-01T00:00:00), the sorter's "no label". */
export const MIN_TICKS = -62_135_596_800_000n * TICKS_PER_MS;

export function ticksFromMs(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * TICKS_PER_MS;
}

export function msFromTicks(ticks: bigint): number {
  return Number(ticks / TICKS_PER_MS);
}

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses ISO-8601 text (Newtonsoft writes up to 7 fraction digits); no zone means UTC. */
export function parseTicks(text: string): bigint | undefined {
  const match = ISO.exec(text);
  if (!match?.[1]) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3] ?? 'Z'}`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = BigInt((match[2] ?? '').padEnd(7, '0'));
  return BigInt(seconds) * TICKS_PER_MS + fraction;
}

/**
 * Newtonsoft's round-trip text: UTC with `Z` and the fraction's trailing zeros trimmed;
 * `DateTime.MinValue` has no kind, so no `Z`.
 */
export function formatTicks(ticks: bigint): string {
  if (ticks === MIN_TICKS) return '0001-01-01T00:00:00';
  const ms = ticks / TICKS_PER_MS - (ticks % TICKS_PER_MS < 0n ? 1n : 0n);
  const sub = ticks - ms * TICKS_PER_MS;
  const iso = new Date(Number(ms)).toISOString();
  const fraction = (iso.slice(20, 23) + sub.toString().padStart(4, '0')).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}
