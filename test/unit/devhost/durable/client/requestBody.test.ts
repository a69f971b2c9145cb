import { mediaType, parseJsonToken, startInput } from '../../../../../devhost/src/durable/client/requestBody';

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
});
