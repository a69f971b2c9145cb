import { fromRpcHttp, serializeCookie, toRpcHttp } from '../../../../devhost/src/http/httpConversion';

describe('request conversion', () => {
  const base = {
    method: 'POST',
    url: 'http://localhost:7071/api/x?a=1&A=2&empty=',
    rawHeaders: [
      'Content-Type',
      'text/plain',
      'X-Multi',
      'a',
      'x-multi',
      'b',
      'X-Empty',
      '',
      'Content-Length',
      '2',
    ],
    body: Buffer.from('hi'),
    params: { id: '42' },
  };

  test('lower-cases header names, joins repeats with a comma and keeps empty values', () => {
    expect(toRpcHttp(base).nullableHeaders).toEqual({
      'content-type': { value: 'text/plain' },
      'x-multi': { value: 'a,b' },
      'x-empty': { value: '' },
      'content-length': { value: '2' },
    });
  });

  test('keeps empty query values and merges keys that differ only in case', () => {
    expect(toRpcHttp(base).nullableQuery).toEqual({ a: { value: '1,2' }, empty: { value: '' } });
  });

  test('passes route values and the full URL', () => {
    const http = toRpcHttp(base);
    expect(http.nullableParams).toEqual({ id: { value: '42' } });
    expect(http.url).toBe(base.url);
    expect(http.method).toBe('POST');
  });

  test('sends the body as bytes only when Content-Length is above zero', () => {
    expect(toRpcHttp(base).body).toEqual({ bytes: Buffer.from('hi') });
    const noLength = { ...base, rawHeaders: ['Content-Type', 'text/plain'] };
    expect(toRpcHttp(noLength).body).toBeUndefined();
  });
});

describe('response conversion', () => {
  test('defaults to 200 and copies headers and body bytes', () => {
    const out = fromRpcHttp(
      { http: { headers: { 'Content-Type': 'text/plain' }, body: { bytes: Buffer.from('ok') } } },
      'GET',
    );
    expect(out).toEqual({ status: 200, headers: [['content-type', 'text/plain']], body: Buffer.from('ok') });
  });

  test('no value gives a plain 200', () => {
    expect(fromRpcHttp(undefined, 'GET')).toEqual({ status: 200, headers: [], body: Buffer.alloc(0) });
  });

  test('drops the body for 204, 304 and HEAD', () => {
    const http = { statusCode: '204', body: { bytes: Buffer.from('x') } };
    expect(fromRpcHttp({ http }, 'GET').body.length).toBe(0);
    expect(fromRpcHttp({ http: { ...http, statusCode: '200' } }, 'HEAD').body.length).toBe(0);
  });

  test('a status that is not a number is an error naming it', () => {
    expect(() => fromRpcHttp({ http: { statusCode: 'abc' } }, 'GET')).toThrow("HTTP status 'abc'");
  });

  test('a value that is not http is an error', () => {
    expect(() => fromRpcHttp({ string: 'x' }, 'GET')).toThrow(/not an HTTP response/);
  });

  test('cookies become Set-Cookie headers', () => {
    const out = fromRpcHttp(
      {
        http: {
          cookies: [
            { name: 'a', value: 'b', sameSite: 'lax' },
            { name: 'c', value: 'd', sameSite: 'none' },
          ],
        },
      },
      'GET',
    );
    expect(out.headers).toEqual([
      ['set-cookie', 'a=b; path=/; samesite=lax'],
      ['set-cookie', 'c=d; path=/'],
    ]);
  });
});

describe('Set-Cookie serialization', () => {
  test('writes every attribute in ASP.NET order, escaping the value', () => {
    expect(
      serializeCookie({
        name: 'my-cookie',
        value: "it's;here",
        domain: { value: 'example.com' },
        path: { value: '/api' },
        expires: { value: { seconds: 1_700_000_000 } },
        maxAge: { value: 3600 },
        secure: { value: true },
        httpOnly: { value: true },
        sameSite: 'explicitNone',
      }),
    ).toBe(
      'my-cookie=it%27s%3Bhere; expires=Tue, 14 Nov 2023 22:13:20 GMT; max-age=3600; domain=example.com; ' +
        'path=/api; secure; samesite=none; httponly',
    );
  });
});
