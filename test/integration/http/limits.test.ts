import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

/** Polls `check` until it holds (work finishing in the host, not a timer), for at most 2 s. */
async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('The condition did not hold within 2 s.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the time limit on an HTTP answer', () => {
  let t: FixtureDevhost;
  beforeAll(async () => {
    t = await startFixtureDevhost('slow-app', { functionTimeoutMs: 10_000, httpFunctionTimeoutMs: 300 });
  });
  afterAll(() => t.close());

  test('a function that has not answered by the limit gets the client 504 with a JSON body, the host serves others, and the invocation runs on', async () => {
    const started = Date.now();
    const held = fetch(`${t.host.url}/api/held`);
    const fast = await fetch(`${t.host.url}/api/fast`);
    expect(await fast.text()).toBe('fast');

    const res = await held;
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.headers.get('x-devhost-error')).toBe('HTTP_FUNCTION_TIMEOUT');
    expect(await res.json()).toEqual({
      error: {
        code: 'HTTP_FUNCTION_TIMEOUT',
        message: expect.stringContaining('--http-function-timeout') as unknown,
      },
    });

    // The invocation was not abandoned: released now, it completes and is logged as it ends.
    const release = await fetch(`${t.host.url}/api/release`, { method: 'POST' });
    expect(await release.json()).toEqual({ released: 1 });
    await eventually(() =>
      t.logger.records.some((r) => r.fields.function === 'held' && r.fields.outcome === 'Succeeded'),
    );
  });
});
