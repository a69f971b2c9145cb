import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

let t: FixtureDevhost;

beforeAll(async () => {
  t = await startFixtureDevhost('http-app', { enforceKeys: true });
});
afterAll(() => t.close());

const admin = (path: string, init: RequestInit = {}, key = t.host.keys.keys.masterKey) =>
  fetch(`${t.host.url}/admin/${path}`, { ...init, headers: { 'x-functions-key': key, ...init.headers } });

async function logged(pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!t.logger.records.some((r) => pattern.test(r.message))) {
    if (Date.now() > deadline) throw new Error(`never logged ${String(pattern)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('admin API', () => {
  test('POST /admin/functions/{name} runs a timer function once and answers 202', async () => {
    const res = await admin('functions/nightly', { method: 'POST', body: '{"input": ""}' });
    expect(res.status).toBe(202);
    await logged(/^nightly ran, isPastDue=false$/);
    await logged(/^Executed 'Functions\.nightly' \(Succeeded/);
  });

  test('needs the master key when keys are enforced', async () => {
    const functionKey = t.host.keys.keys.functionKeys.default!;
    expect((await admin('functions/nightly', { method: 'POST', body: '{}' }, functionKey)).status).toBe(401);
    expect((await admin('host/status', {}, 'wrong')).status).toBe(401);
  });

  test('an HTTP function is not run through the admin API, and says what to do instead', async () => {
    const res = await admin('functions/hello', { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'call its URL instead',
    );
  });

  test('an unknown function gets 404 and a body that is not {"input": string} gets 400', async () => {
    expect((await admin('functions/nope', { method: 'POST', body: '{}' })).status).toBe(404);
    const bad = await admin('functions/nightly', { method: 'POST', body: '{"input": 5}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      '"input" must be a string',
    );
  });

  test('GET /admin/host/status says the host is running', async () => {
    const res = await admin('host/status');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: 'Running' });
  });
});
