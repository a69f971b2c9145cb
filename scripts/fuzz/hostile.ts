/**
 * Hostile input: near-valid documents (one field broken), hostile JSON (deep nesting, huge
 * strings and arrays, prototype keys, numbers JSON cannot hold), raw bytes (not UTF-8, truncated,
 * empty), hostile content types and hostile route parameters. Bodies are built as text, because
 * the hostile part (`NaN`, 100,000 levels, a `__proto__` key) is often what a JS value cannot hold.
 */
import fc from 'fast-check';

/** A request body as sent, with what it is, for reports. */
export interface BodyCase {
  /** What kind of input this is (`nearValid:dropKey`, `deep:100000`, `bytes:invalidUtf8`…). */
  kind: string;
  /** Undefined: no body at all. */
  bytes: Buffer | undefined;
}

const PLACEHOLDER = '\u0000fuzz-slot\u0000';
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

/** JSON text that no JS value serialises to: numbers JSON has no room for, and what parsers choke on. */
const RAW_TOKENS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '-1e308',
  '1e309',
  '-0',
  '0.1e-400',
  '123456789012345678901234567890',
  'undefined',
  "'single'",
  '0x10',
  '01',
  '.5',
  '+1',
  '"\\ud800"',
  '"\\u0000"',
  '"\\x41"',
  '[1,]',
  '{"a":1,}',
  '{"a"}',
  '"unterminated',
  'true false',
];

/** Nested `[` or `{"a":` `levels` deep, as text (about 2 or 5 bytes a level). */
export function nestedText(levels: number, shape: 'array' | 'object', leaf = '1'): string {
  return shape === 'array'
    ? `${'['.repeat(levels)}${leaf}${']'.repeat(levels)}`
    : `${'{"a":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`;
}

/** Strings that break naive handling: control characters, unicode edge cases, HTML, paths. */
export const hostileStrings: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\t\r\n',
    '\u007f',
    '\u0085',
    '\u00a0',
    '\u200b',
    '\u202e',
    '\ufeff',
    '\ufffe',
    '\ud800',
    '\udfff',
    '\ud83d\ude00',
    'e\u0301',
    'İ',
    'ß',
    '..',
    '../..',
    '/',
    '\\',
    '#',
    '?',
    '%',
    '%00',
    '%2F',
    '%252F',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'null',
    'undefined',
    'NaN',
    '${7*7}',
    "' OR 1=1 --",
    'x'.repeat(65),
    'x'.repeat(101),
    'x'.repeat(257),
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\u001f', '/', '\\', '#', '?', '%', '<', '>', '"', "'", '.', 'a'),
    maxLength: 8,
  }),
);

/**
 * A large JSON string of 10 KB, 100 KB or 500 KB on the wire, whatever its characters cost there
 * (`\u0000` is six bytes escaped, an emoji four). Bodies of megabytes are timed apart (see main.ts):
 * reading them takes time in proportion, which is not what the one-second rule is about.
 */
const hugeString = fc
  .tuple(fc.constantFrom(10_000, 100_000, 500_000), fc.constantFrom('x', '\u0000', 'é', '\ud83d\ude00', '<'))
  .map(([bytes, unit]) => {
    const unitBytes = Buffer.byteLength(JSON.stringify(unit)) - 2;
    return JSON.stringify(unit.repeat(Math.floor(bytes / unitBytes)));
  });

/** A hostile JSON value as text. */
export const hostileJsonText: fc.Arbitrary<{ kind: string; text: string }> = fc.oneof(
  // The large ones (up to 500 KB) cost the most to send and read: one case in six.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(65, 1_000, 10_000, 100_000),
        fc.constantFrom<('array' | 'object')[]>('array', 'object'),
      )
      .map(([levels, shape]) => ({ kind: `deep:${shape}:${levels}`, text: nestedText(levels, shape) })),
  },
  { weight: 1, arbitrary: hugeString.map((text) => ({ kind: 'hugeString', text })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(10_000, 100_000).map((length) => ({
      kind: `hugeArray:${length}`,
      text: `[${Array<string>(length).fill('0').join(',')}]`,
    })),
  },
  {
    weight: 5,
    arbitrary: fc.constantFrom(...RAW_TOKENS).map((token) => ({ kind: 'rawToken', text: token })),
  },
  {
    weight: 5,
    arbitrary: hostileStrings.map((value) => ({ kind: 'hostileString', text: JSON.stringify(value) })),
  },
  {
    weight: 5,
    arbitrary: fc
      .jsonValue({ maxDepth: 4 })
      .map((value) => ({ kind: 'anyJson', text: JSON.stringify(value) ?? 'null' })),
  },
);

/** A key that reaches a prototype, or that a naive merge trips on. */
const hostileKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '',
  '\u0000',
  'a.b',
  '0',
  'toString',
);

interface Slot {
  /** Path of object keys and array indexes to a leaf or container. */
  path: (string | number)[];
}

function slotsOf(value: unknown, path: (string | number)[] = [], out: Slot[] = []): Slot[] {
  out.push({ path });
  if (Array.isArray(value)) value.forEach((item, i) => slotsOf(item, [...path, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) slotsOf(child, [...path, key], out);
  }
  return out;
}

function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value))
    return (value as unknown[]).map((item, i) => (i === head ? replaceAt(item, rest, replacement) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head!]: replaceAt(record[head!], rest, replacement) };
}

function removeAt(value: unknown, path: (string | number)[]): unknown {
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1];
  const parent = parentPath.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
  if (Array.isArray(parent))
    return replaceAt(
      value,
      parentPath,
      parent.filter((_, i) => i !== key),
    );
  const { [key!]: _removed, ...rest } = parent as Record<string, unknown>;
  return replaceAt(value, parentPath, rest);
}

/**
 * A valid document with one thing broken: a key dropped, an unknown or prototype key added, a
 * value replaced by a hostile one (any JSON, a raw token, deep nesting, a huge string). The result
 * is text; whether it is still valid is for the caller's schema to say.
 */
export function nearValid(valid: fc.Arbitrary<unknown>): fc.Arbitrary<{ kind: string; text: string }> {
  return valid.chain((doc) => {
    const slots = slotsOf(doc);
    const slot = fc.constantFrom(...slots);
    const nonRoot = slots.length > 1 ? fc.constantFrom(...slots.slice(1)) : slot;
    return fc.oneof(
      nonRoot.map((s) => ({
        kind: 'nearValid:dropKey',
        text: JSON.stringify(s.path.length ? removeAt(doc, s.path) : doc),
      })),
      fc.tuple(slot, hostileKeys, fc.jsonValue({ maxDepth: 2 })).map(([s, key, value]) => ({
        kind: `nearValid:addKey`,
        text: JSON.stringify(replaceAt(doc, s.path, PLACEHOLDER)).replace(PLACEHOLDER_JSON, () =>
          addKeyText(valueAt(doc, s.path), key, value),
        ),
      })),
      fc.tuple(nonRoot, hostileJsonText).map(([s, hostile]) => ({
        kind: `nearValid:${hostile.kind}`,
        text: JSON.stringify(replaceAt(doc, s.path, PLACEHOLDER)).replace(
          PLACEHOLDER_JSON,
          () => hostile.text,
        ),
      })),
      fc.tuple(nonRoot, hostileStrings).map(([s, text]) => ({
        kind: 'nearValid:hostileString',
        text: JSON.stringify(replaceAt(doc, s.path, text)),
      })),
    );
  });
}

function valueAt(doc: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], doc);
}

/** The value's JSON with one more key: objects get it first, anything else is wrapped in one. */
function addKeyText(value: unknown, key: string, extra: unknown): string {
  const member = `${JSON.stringify(key)}:${JSON.stringify(extra) ?? 'null'}`;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const inner = JSON.stringify(value).slice(1);
    return inner === '}' ? `{${member}}` : `{${member},${inner}`;
  }
  return `{${member}}`;
}

/** Bytes that are not a JSON text in UTF-8. */
export function rawBytes(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyCase> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'bytes:random', bytes: Buffer.from(bytes) })),
    valid.map((doc) => {
      const text = Buffer.from(JSON.stringify(doc));
      return {
        kind: 'bytes:invalidUtf8',
        bytes: Buffer.concat([text.subarray(0, 2), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), text.subarray(2)]),
      };
    }),
    fc.tuple(valid, fc.nat()).map(([doc, cut]) => {
      const text = JSON.stringify(doc);
      return { kind: 'bytes:truncated', bytes: Buffer.from(text.slice(0, cut % Math.max(1, text.length))) };
    }),
    valid.map((doc) => ({ kind: 'bytes:utf16', bytes: Buffer.from(JSON.stringify(doc), 'utf16le') })),
    valid.map((doc) => ({
      kind: 'bytes:bom',
      bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(doc))]),
    })),
    valid.map((doc) => ({ kind: 'bytes:trailing', bytes: Buffer.from(`${JSON.stringify(doc)} {"more":1}`) })),
    valid.map((doc) => ({ kind: 'bytes:duplicateKeys', bytes: Buffer.from(duplicateFirstKey(doc)) })),
    fc.constantFrom('', ' ', '\n\t ', '\u0000', 'null', '""', '[]', '{}', '0').map((text) => ({
      kind: 'bytes:trivial',
      bytes: Buffer.from(text),
    })),
    fc.constant({ kind: 'bytes:none', bytes: undefined }),
    fc
      .constantFrom('a=1&b=2', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', '<xml/>')
      .map((text) => ({ kind: 'bytes:notJson', bytes: Buffer.from(text) })),
  );
}

function duplicateFirstKey(doc: unknown): string {
  const text = JSON.stringify(doc);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return text;
  const first = Object.keys(doc)[0];
  return first === undefined ? text : `{${JSON.stringify(first)}:{"dup":true},${text.slice(1)}`;
}

/** Every hostile body for a document schema whose valid values are `valid`. */
export function hostileBodies(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodyCase> {
  const text = (arb: fc.Arbitrary<{ kind: string; text: string }>): fc.Arbitrary<BodyCase> =>
    arb.map(({ kind, text: t }) => ({ kind, bytes: Buffer.from(t, 'utf8') }));
  return fc.oneof(
    { weight: 5, arbitrary: text(nearValid(valid)) },
    { weight: 2, arbitrary: text(hostileJsonText) },
    { weight: 2, arbitrary: rawBytes(valid) },
  );
}

/** Content types, the right one among them. */
export const contentTypes: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/problem+json',
      '',
      ';;;',
    ),
  },
);

/** Route parameters: what the app's id rule refuses, percent-encoded as a client would send them. */
export const hostileIds: fc.Arbitrary<string> = fc.oneof(
  hostileStrings,
  fc.constantFrom(
    'approval-',
    'order-',
    'approval-/',
    'approval-\\',
    'approval-#',
    'approval-%2F',
    'a/b',
    'a\\b',
    '-lead',
    '.lead',
  ),
);

/** Percent-encodes every byte outside the unreserved set (lone surrogates become U+FFFD first). */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Query strings with hostile names and values. */
export const hostileQueries: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'top',
        'limit',
        'since',
        'showHistory',
        'showInput',
        'createdTimeFrom',
        'runtimeStatus',
        'code',
        'token',
        'taskHub',
        'timeout',
        'pollingInterval',
        'op',
        '__proto__',
        '',
        'x',
      ),
      fc.oneof(
        fc.constantFrom(
          'NaN',
          'Infinity',
          '1e308',
          '-1',
          '0',
          '99999999999',
          'true',
          '%00',
          '%E0%A4%A',
          '',
          '..',
        ),
        hostileStrings.map(percentEncode),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${percentEncode(k)}=${v}`).join('&')}`,
  );
