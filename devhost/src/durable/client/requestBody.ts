/**
 * Request body rules of the extension's handlers, turned into the JSON text the operations take
 * (`null` = no value). Newtonsoft would re-serialise the parsed token; so do we.
 */

export type BodyParse = { ok: true; json: string | null } | { ok: false; error: string };

/** Parses JSON text; `null` for empty or whitespace-only text (Newtonsoft's `DeserializeObject`). */
function parseJsonOrNull(text: string): BodyParse {
  if (text.trim() === '') return { ok: true, json: null };
  return parseJsonToken(text);
}

/** Parses exactly one JSON value; empty text is an error (Newtonsoft's `JToken.Load`). */
export function parseJsonToken(text: string): BodyParse {
  try {
    return { ok: true, json: JSON.stringify(JSON.parse(text)) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Start input: no body → no input; a JSON `null` → no input; the 2-byte body `""` the SDK sends
 * for `startNew` without input → the empty string, as on Azure (see docs/architecture.md).
 */
export function startInput(body: Buffer): BodyParse {
  if (body.length === 0) return { ok: true, json: null };
  const parsed = parseJsonOrNull(body.toString('utf8'));
  return parsed.ok && parsed.json === 'null' ? { ok: true, json: null } : parsed;
}

/** The media type of a `Content-Type` header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}
