import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

let t: FixtureDevhost;

beforeAll(async () => {
  t = await startFixtureDevhost('slow-app');
});
afterAll(() => t.close());

describe('functions that misbehave', () => {
  test('a function that never resolves fails with 500 at functionTimeout, and the next request is served', async () => {
    const res = await fetch(`${t.host.url}/api/hangs`);
    expect(res.status).toBe(500);
    const timeout = t.logger.records.find((r) => r.fields.function === 'hangs' && r.level === 'error');
    expect(timeout?.fields.error).toBe(
      "Timeout value of 00:00:00.300 exceeded by function 'hangs' (host.json functionTimeout).",
    );
    const next = await fetch(`${t.host.url}/api/fast`);
    expect(await next.text()).toBe('fast');
  });
});
