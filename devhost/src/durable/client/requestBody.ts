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

/**
 * The deepest nesting Json.NET reads: since 13.0.1 `JsonReader.MaxDepth` defaults to 64 (the
 * extension parses bodies with Json.NET). It also keeps hostile nesting away from the recursive
 * `JSON.stringify` below and from everything that later copies the value.
 */
export const JSON_READER_MAX_DEPTH = 64;

/**
 * Where `text` first opens more than `limit` nested arrays or objects (the root counting as one),
 * or undefined. One pass over the text, strings skipped, no parsing: linear whatever the nesting.
 */
export function nestingPastLimit(text: string, limit: number): { position: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return { position: i + 1 };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** Parses exactly one JSON value; empty text is an error (Newtonsoft's `JToken.Load`). */
export function parseJsonToken(text: string): BodyParse {
  const tooDeep = nestingPastLimit(text, JSON_READER_MAX_DEPTH);
  if (tooDeep) {
    return {
      ok: false,
      error: `The reader's MaxDepth of ${JSON_READER_MAX_DEPTH} has been exceeded. Position ${tooDeep.position}.`,
    };
  }
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
