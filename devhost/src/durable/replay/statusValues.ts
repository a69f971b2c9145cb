/**
 * How the extension renders stored values in the status API (`DurableClient.ParseToJToken`) and its
 * top-level times (`ToString("s") + "Z"`).
 */

/** Stored text → JSON value: null stays null, blank becomes "", text that is not JSON stays text. */
export function parseStoredValue(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed.length === 0) return '';
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return trimmed;
  }
}

/** `2024-10-01T12:00:05Z`: UTC, whole seconds. */
export function formatStatusTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`'${iso}' is not a valid timestamp.`);
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
