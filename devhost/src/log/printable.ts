/**
 * Values from apps and documents go into devhost's log as text a terminal shows as is: control
 * characters (ESC starts terminal escape sequences, BEL rings, CR rewrites the line) become `\uXXXX`,
 * and a value is cut at a bounded length so no log line dumps a whole payload.
 */

/** C0 controls (except those in `keep`), DEL and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function escapeControlCharacters(text: string, keep: readonly string[] = []): string {
  return text.replace(CONTROL, (c) =>
    keep.includes(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** At most `max` characters, marked `…(+N chars)` when cut. */
export function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…(+${text.length - max} chars)` : text;
}

/** One value for a log line: control characters (newlines too) escaped, at most `max` characters. */
export function printable(value: string, max = 500): string {
  return escapeControlCharacters(bounded(value, max));
}
