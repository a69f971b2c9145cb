import { HttpRequest } from '@azure/functions';
import { CreateOrderRequestSchema, findUnsafeJson, JSON_MAX_DEPTH, parseInput } from '../../../../src/domain';
import { readBody } from '../../../../src/http/responses';

const arrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const objects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** The path to the first container past the limit when every level is reached through `step`. */
const pathPastLimit = (step: string) => Array<string>(JSON_MAX_DEPTH).fill(step).join('.');

/** A proxy handler that counts reads of an object's properties or an array's elements. */
function countingReads(counter: { reads: number }): ProxyHandler<object> {
  return {
    get(target, key, receiver) {
      const member = Array.isArray(target) ? key !== 'length' : true;
      if (member && typeof key === 'string' && Object.hasOwn(target, key)) counter.reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  };
}

/** A copy of a value with every object and array counting reads of its members. */
function counted(value: unknown, counter: { reads: number }): unknown {
  if (value === null || typeof value !== 'object') return value;
  const copy: object = Array.isArray(value)
    ? value.map((v: unknown) => counted(v, counter))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, counted(v, counter)]));
  return new Proxy(copy, countingReads(counter));
}

describe('findUnsafeJson', () => {
  it('accepts nesting up to the limit, counting the root as one level', () => {
    expect(findUnsafeJson(JSON.parse(arrays(JSON_MAX_DEPTH)))).toBeUndefined();
    expect(findUnsafeJson(JSON.parse(objects(JSON_MAX_DEPTH)))).toBeUndefined();
  });

  it('refuses 10,000 levels as TooDeep, naming the first container past the limit', () => {
    expect(findUnsafeJson(JSON.parse(arrays(10_000)))).toEqual({
      code: 'TooDeep',
      issue: { path: pathPastLimit('0'), message: `Nested deeper than ${JSON_MAX_DEPTH} levels` },
    });
    expect(findUnsafeJson(JSON.parse(objects(10_000)))?.issue.path).toBe(pathPastLimit('a'));
    expect(findUnsafeJson(JSON.parse(arrays(JSON_MAX_DEPTH + 1)))?.code).toBe('TooDeep');
  });

  it('refuses 100,000 levels without exhausting the stack, reading nothing below the limit', () => {
    const parsed: unknown = JSON.parse(arrays(100_000));
    const started = performance.now();
    expect(findUnsafeJson(parsed)?.issue.path).toBe(pathPastLimit('0'));
    expect(performance.now() - started).toBeLessThan(100);
    // The same nesting built in a loop, every level counting reads of its one element.
    const counter = { reads: 0 };
    let chain: unknown = [];
    for (let i = 0; i < 100_000; i++) chain = new Proxy([chain], countingReads(counter));
    expect(findUnsafeJson(chain)?.code).toBe('TooDeep');
    expect(counter.reads).toBe(JSON_MAX_DEPTH);
  });

  it('reads each member of a wide value once', () => {
    const wide = {
      orders: Array.from({ length: 2_000 }, (_, i) => ({ id: `o${i}`, items: [{ q: i }, { q: i + 1 }] })),
    };
    // Members: orders; per order its 2 keys and 2 items; per item 1 key.
    const members = 1 + 2_000 * (1 + 2 + 2 + 2);
    const counter = { reads: 0 };
    expect(findUnsafeJson(counted(wide, counter))).toBeUndefined();
    expect(counter.reads).toBe(members);
  });

  it('reports forbidden keys in document order, each key before anything under it', () => {
    const raw: unknown = JSON.parse('{"a":{"b":[{"__proto__":1}]},"constructor":{"prototype":1}}');
    expect(findUnsafeJson(raw)).toEqual({
      code: 'ForbiddenKey',
      issue: { path: 'a.b.0.__proto__', message: 'Key "__proto__" is not allowed' },
    });
    const keyFirst: unknown = JSON.parse(`{"prototype":${arrays(10_000)}}`);
    expect(findUnsafeJson(keyFirst)?.issue.path).toBe('prototype');
  });

  it('keeps parseInput from reaching the schema with a hostile value', () => {
    expect(parseInput(CreateOrderRequestSchema, JSON.parse(`{"items":${arrays(10_000)}}`))).toEqual({
      ok: false,
      issues: [
        {
          path: ['items', ...Array<string>(JSON_MAX_DEPTH - 1).fill('0')].join('.'),
          message: `Nested deeper than ${JSON_MAX_DEPTH} levels`,
        },
      ],
    });
  });
});

describe('readBody', () => {
  const post = (text: string) =>
    new HttpRequest({ url: 'http://127.0.0.1/api/orders', method: 'POST', body: { string: text } });

  it('parses a 100,000-level body and answers 400 TooDeep with the stable error body', async () => {
    const result = await readBody(post(`{"items":${arrays(100_000)}}`), CreateOrderRequestSchema);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.response.status).toBe(400);
    expect(result.response.jsonBody).toEqual({
      error: {
        code: 'TooDeep',
        message: `The body is nested deeper than ${JSON_MAX_DEPTH} levels`,
        issues: [
          {
            path: ['items', ...Array<string>(JSON_MAX_DEPTH - 1).fill('0')].join('.'),
            message: `Nested deeper than ${JSON_MAX_DEPTH} levels`,
          },
        ],
      },
    });
  });

  it('still answers a forbidden key as ValidationFailed', async () => {
    const result = await readBody(post('{"__proto__":{"isAdmin":true}}'), CreateOrderRequestSchema);
    expect(result.ok ? undefined : result.response.jsonBody).toMatchObject({
      error: { code: 'ValidationFailed', issues: [{ path: '__proto__' }] },
    });
  });
});
