import {
  JSON_READER_MAX_DEPTH,
  mediaType,
  nestingPastLimit,
  parseJsonToken,
  startInput,
} from '../../../../../devhost/src/durable/client/requestBody';

describe('request body rules', () => {
  it.each([
    ['', { ok: true, json: null }],
    ['""', { ok: true, json: '""' }],
    ['null', { ok: true, json: null }],
    [' \n ', { ok: true, json: null }],
    ['{ "a" : [1, 2] }', { ok: true, json: '{"a":[1,2]}' }],
  ])('reads the start body %p', (body, result) => {
    expect(startInput(Buffer.from(body))).toEqual(result);
  });

  it('refuses invalid start JSON with the parser message', () => {
    expect(startInput(Buffer.from('{x'))).toMatchObject({ ok: false, error: expect.any(String) as unknown });
  });

  it('demands exactly one JSON value where the extension loads a token', () => {
    expect(parseJsonToken('')).toMatchObject({ ok: false });
    expect(parseJsonToken('"s"')).toEqual({ ok: true, json: '"s"' });
  });

  it('reads the media type without parameters', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType(undefined)).toBeUndefined();
  });

  it('reads 64 levels of nesting, as Json.NET does by default, and refuses the 65th where it opens', () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expect(parseJsonToken(nested(JSON_READER_MAX_DEPTH))).toMatchObject({ ok: true });
    expect(parseJsonToken(nested(JSON_READER_MAX_DEPTH + 1))).toEqual({
      ok: false,
      error: "The reader's MaxDepth of 64 has been exceeded. Position 65.",
    });
    expect(startInput(Buffer.from(`{"a":${nested(100_000)}}`))).toMatchObject({
      ok: false,
      error: expect.stringContaining('MaxDepth of 64') as unknown,
    });
  });

  it('counts nesting outside strings only, escaped quotes included', () => {
    expect(nestingPastLimit(`"${'['.repeat(100)}"`, 1)).toBeUndefined();
    expect(nestingPastLimit(String.raw`["\\", "\"[[[", [[1]]]`, 3)).toBeUndefined();
    expect(nestingPastLimit(String.raw`["\\", "\"[[[", [[[1]]]]`, 3)).toEqual({ position: 19 });
  });
});
