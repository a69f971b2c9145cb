import * as fs from 'node:fs';
import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

let open: FixtureDevhost;
let enforced: FixtureDevhost;

beforeAll(async () => {
  [open, enforced] = await Promise.all([
    startFixtureDevhost('http-app'),
    startFixtureDevhost('http-app', { enforceKeys: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([open.close(), enforced.close()]);
});

async function status(
  host: FixtureDevhost,
  path: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const res = await fetch(`${host.host.url}/api/${path}`, { headers });
  const body = await res.text();
  if (res.status === 401) expect(body).toBe('');
  return res.status;
}

describe('keys, as func start (not enforced)', () => {
  test('every auth level is callable without a key', async () => {
    for (const level of ['anonymous', 'function', 'admin']) {
      expect(await status(open, `auth/${level}`)).toBe(200);
    }
  });
});

describe('keys, enforced as on Azure', () => {
  const keys = () => enforced.host.keys.keys;

  test('the key file holds a master key, a default function key and the durable system key', async () => {
    const file = JSON.parse(await fs.promises.readFile(enforced.host.keys.file, 'utf8')) as Record<
      string,
      unknown
    >;
    expect(file).toEqual({
      masterKey: keys().masterKey,
      functionKeys: { default: keys().functionKeys.default },
      systemKeys: { durabletask_extension: keys().systemKeys.durabletask_extension },
    });
    expect(keys().masterKey.length).toBeGreaterThanOrEqual(40);
  });

  test('an anonymous function needs no key, and a wrong key does not cause 401', async () => {
    expect(await status(enforced, 'auth/anonymous')).toBe(200);
    expect(await status(enforced, 'auth/anonymous?code=wrong')).toBe(200);
    expect(await status(enforced, 'auth/anonymous', { 'x-functions-key': 'wrong' })).toBe(200);
  });

  test.each([
    ['no key', {}, '', 401],
    ['a wrong key', { 'x-functions-key': 'wrong' }, '', 401],
    ['the function key in the header', { 'x-functions-key': 'function' }, '', 200],
    ['the function key in ?code=', {}, 'function', 200],
    ['the master key', { 'x-functions-key': 'master' }, '', 200],
    ['a system key', { 'x-functions-key': 'system' }, '', 401],
  ])('a function-level function called with %s gets %i', async (_what, header, code, expected) => {
    const resolve = (name: string) =>
      name === 'function'
        ? keys().functionKeys.default!
        : name === 'master'
          ? keys().masterKey
          : name === 'system'
            ? keys().systemKeys.durabletask_extension!
            : name;
    const headers = Object.fromEntries(Object.entries(header).map(([k, v]) => [k, resolve(v)]));
    const query = code ? `?code=${encodeURIComponent(resolve(code))}` : '';
    expect(await status(enforced, `auth/function${query}`, headers)).toBe(expected);
  });

  test('an admin function needs the master key', async () => {
    expect(await status(enforced, 'auth/admin')).toBe(401);
    expect(await status(enforced, 'auth/admin', { 'x-functions-key': keys().functionKeys.default! })).toBe(
      401,
    );
    expect(
      await status(enforced, 'auth/admin', { 'x-functions-key': keys().systemKeys.durabletask_extension! }),
    ).toBe(401);
    expect(await status(enforced, `auth/admin?code=${keys().masterKey}`)).toBe(200);
  });

  test('the x-functions-key header wins over ?code=', async () => {
    const code = keys().functionKeys.default!;
    expect(await status(enforced, `auth/function?code=${code}`, { 'x-functions-key': 'wrong' })).toBe(401);
  });

  test('the banner names the key file and shows keyed URLs without key values', () => {
    const banner = enforced.logger.records.find((r) => r.fields.banner === true)?.message ?? '';
    expect(banner).toContain(enforced.host.keys.file);
    expect(banner).toContain(`${enforced.host.url}/api/auth/function?code=<see keys.json>`);
    expect(banner).toContain(`${enforced.host.url}/api/auth/anonymous\n`);
    for (const value of [
      keys().masterKey,
      keys().functionKeys.default!,
      keys().systemKeys.durabletask_extension!,
    ]) {
      expect(banner).not.toContain(value);
    }
  });
});

describe('two hosts in one process', () => {
  test('two hosts on the same app each serve their own functions on their own port', async () => {
    expect(open.host.port).not.toBe(enforced.host.port);
    const [a, b] = await Promise.all([
      fetch(`${open.host.url}/api/hello`),
      fetch(`${enforced.host.url}/api/hello`),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const aInvocations = open.logger.records.filter((r) => r.fields.function === 'hello').length;
    const bInvocations = enforced.logger.records.filter((r) => r.fields.function === 'hello').length;
    expect(aInvocations).toBeGreaterThan(0);
    expect(bInvocations).toBeGreaterThan(0);
  });

  test('keys are kept across restarts of the host', async () => {
    const again = await startFixtureDevhost('http-app', { stateDir: enforced.host.stateDir });
    try {
      expect(again.host.keys.keys).toEqual(enforced.host.keys.keys);
    } finally {
      await again.host.stop();
    }
  });
});
