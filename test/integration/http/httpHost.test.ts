import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

interface Echo {
  method: string;
  url: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

let t: FixtureDevhost;
let base: string;

beforeAll(async () => {
  t = await startFixtureDevhost('http-app', { maxRequestBodyBytes: 2 * 1024 * 1024 });
  base = `${t.host.url}/api`;
});
afterAll(() => t.close());

async function echo(path: string, init?: RequestInit): Promise<Echo> {
  const res = await fetch(`${base}${path}`, init);
  expect(res.status).toBe(200);
  return (await res.json()) as Echo;
}

describe('HTTP host routing', () => {
  test('serves a function under the api prefix at its name when it declares no route', async () => {
    const seen = await echo('/hello');
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe(`${base}/hello`);
  });

  test('matches literal segments case-insensitively', async () => {
    expect((await echo('/HELLO')).method).toBe('GET');
  });

  test('passes int route parameters and omits an optional parameter without a value', async () => {
    expect((await echo('/items/42')).params).toEqual({ id: '42' });
    expect((await echo('/items/42/widget')).params).toEqual({ id: '42', name: 'widget' });
  });

  test('a value that fails a constraint does not match, so the request gets 404', async () => {
    expect((await fetch(`${base}/items/abc`)).status).toBe(404);
    expect((await fetch(`${base}/guids/not-a-guid`)).status).toBe(404);
    expect((await fetch(`${base}/alphas/a`)).status).toBe(404);
    expect((await fetch(`${base}/alphas/ab1`)).status).toBe(404);
    expect((await fetch(`${base}/flags/maybe`)).status).toBe(404);
  });

  test('guid, alpha and bool constraints accept matching values', async () => {
    const id = '7d0f4b6e-1f7a-4c8e-9f38-2a2c1c7e4b11';
    expect((await echo(`/guids/${id}`)).params).toEqual({ id });
    expect((await echo('/alphas/Word')).params).toEqual({ word: 'Word' });
    expect((await echo('/flags/TRUE')).params).toEqual({ on: 'TRUE' });
  });

  test('a default value fills a missing parameter', async () => {
    expect((await echo('/defaults')).params).toEqual({ kind: 'all' });
    expect((await echo('/defaults/books')).params).toEqual({ kind: 'books' });
  });

  test('a catch-all parameter takes the rest of the path', async () => {
    expect((await echo('/files/a/b/c.txt')).params).toEqual({ rest: 'a/b/c.txt' });
    expect((await echo('/files')).params).toEqual({});
  });

  test('a method the function does not list gets 404, as on Azure', async () => {
    const res = await fetch(`${base}/hello`, { method: 'PUT' });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
  });

  test('the same path routes to different functions by method', async () => {
    expect((await fetch(`${base}/items/7`, { method: 'DELETE' })).status).toBe(204);
    expect((await echo('/items/7')).params).toEqual({ id: '7' });
  });

  test('a path no function serves gets 404 with an empty body', async () => {
    for (const path of ['/nope', '', '/items/1/2/3']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('');
    }
    expect((await fetch(`${t.host.url}/hello`)).status).toBe(404);
  });

  test('an empty route parameter matches no function: 404, with a JSON body naming the parameter', async () => {
    const res = await fetch(`${base}/items//widget`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: 'ROUTE_PARAMETER_EMPTY',
        message: expect.stringContaining(
          "'id' of items (api/items/{id:int}/{name?}) must not be empty",
        ) as unknown,
        field: 'id',
      },
    });
    // A method the route does not take still gets the empty 404.
    const post = await fetch(`${base}/items//widget`, { method: 'POST' });
    expect([post.status, await post.text()]).toEqual([404, '']);
  });

  test('the root path answers with a page saying the app is running, as the host does', async () => {
    const res = await fetch(`${t.host.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your Functions 4.0 app is up and running');
  });
});

describe('HTTP request conversion', () => {
  test('hands the function lower-cased headers, the query and the body bytes', async () => {
    const seen = await echo('/hello?Color=red&empty=&n=1&n=2', {
      method: 'POST',
      headers: { 'X-Custom-Header': 'Value', 'content-type': 'text/plain' },
      body: 'héllo',
    });
    expect(seen.method).toBe('POST');
    expect(seen.headers['x-custom-header']).toBe('Value');
    expect(seen.query).toEqual({ Color: 'red', empty: '', n: '1,2' });
    expect(seen.body).toBe('héllo');
    expect(seen.url).toBe(`${base}/hello?Color=red&empty=&n=1&n=2`);
  });

  test('accepts a 10,000-item JSON body and the function parses it', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      id: `item-${i}`,
      quantity: i % 7,
      sku: 'SKU-0001',
    }));
    const res = await fetch(`${base}/parseJson`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 10_000 });
  });

  test('broken JSON handed to a function that parses it fails that request with 500, and the next one works', async () => {
    const res = await fetch(`${base}/parseJson`, { method: 'POST', body: '{"broken": ' });
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    expect(t.logger.records.some((r) => r.level === 'error' && /Functions\.parseJson/.test(r.message))).toBe(
      true,
    );
    const next = await fetch(`${base}/parseJson`, { method: 'POST', body: '[1,2]' });
    expect(await next.json()).toEqual({ count: 2 });
  });

  test('a body over the limit gets 413 and the host keeps serving', async () => {
    const res = await fetch(`${base}/hello`, { method: 'POST', body: Buffer.alloc(3 * 1024 * 1024, 97) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await echo('/hello')).method).toBe('GET');
  });

  test('app settings from local.settings.json reach the function', async () => {
    const res = await fetch(`${base}/setting`);
    expect(await res.text()).toBe('hello from local.settings');
  });
});

describe('HTTP response conversion', () => {
  test('writes status, headers, a JSON body and cookies as Set-Cookie', async () => {
    const res = await fetch(`${base}/created`, { method: 'POST' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-custom')).toBe('yes');
    expect(res.headers.get('location')).toBe('/api/items/1');
    expect(res.headers.getSetCookie()).toEqual([
      'session=a%20b; path=/api; samesite=lax; httponly',
      'theme=dark; max-age=60; path=/; secure; samesite=none',
    ]);
    expect(await res.json()).toEqual({ created: true });
  });

  test('a function that returns nothing gives 200 with an empty body', async () => {
    const res = await fetch(`${base}/nothing`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  test('a function that throws gets 500 with an empty body, and the next request is unaffected', async () => {
    const res = await fetch(`${base}/throws`);
    expect(res.status).toBe(500);
    expect(res.headers.get('x-devhost-error')).toBe('FUNCTION_FAILED');
    expect(await res.text()).toBe('');
    const failure = t.logger.records.find((r) => r.level === 'error' && r.fields.function === 'throws');
    expect(String(failure?.fields.stack)).toContain('the handler threw');
    expect((await echo('/hello')).method).toBe('GET');
  });

  test('a result that is not an HTTP response fails the invocation with 500', async () => {
    expect((await fetch(`${base}/badResult`)).status).toBe(500);
  });

  test('a header value Node cannot send fails the invocation with 500, not a devhost error', async () => {
    const res = await fetch(`${base}/badHeader`);
    expect(res.status).toBe(500);
    expect(res.headers.get('x-devhost-error')).toBe('FUNCTION_FAILED');
  });

  test('HEAD gets the headers without a body', async () => {
    const res = await fetch(`${base}/any`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('CORS from local.settings.json', () => {
  test('an allowed origin gets Access-Control-Allow-Origin', async () => {
    const res = await fetch(`${base}/hello`, { headers: { origin: 'http://allowed.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://allowed.example');
  });

  test('a preflight from an allowed origin is answered by the host', async () => {
    const res = await fetch(`${base}/hello`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://allowed.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  test('another origin gets no CORS headers', async () => {
    const res = await fetch(`${base}/hello`, { headers: { origin: 'http://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
