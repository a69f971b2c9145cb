import { httpErrors } from '../../../../devhost/src/http/errors';
import { Readiness } from '../../../../devhost/src/http/readiness';

describe('Readiness', () => {
  test('a request that arrives while the host starts is held until it runs, then passes', async () => {
    const readiness = new Readiness(60_000);
    let answer: unknown = 'pending';
    const admitted = readiness.admit().then((refusal) => (answer = refusal));
    await Promise.resolve();
    expect(answer).toBe('pending');
    readiness.markRunning();
    await admitted;
    expect(answer).toBeUndefined();
  });

  test('a request held past the hold time is refused as HOST_STARTING, with Retry-After', async () => {
    const readiness = new Readiness(1);
    expect(await readiness.admit()).toBe(httpErrors.hostStarting);
    expect(httpErrors.hostStarting).toMatchObject({ status: 503, retryAfterSeconds: 1 });
  });

  test('a held request is refused as HOST_STOPPING as soon as the host stops, and later ones at once', async () => {
    const readiness = new Readiness(60_000);
    const held = readiness.admit();
    readiness.markStopping();
    expect(await held).toBe(httpErrors.hostStopping);
    expect(await readiness.admit()).toBe(httpErrors.hostStopping);
    readiness.markRunning();
    expect(readiness.state).toBe('stopping');
  });

  test('whenIdle resolves when the last admitted request ends, or false at the deadline', async () => {
    const readiness = new Readiness(0);
    readiness.markRunning();
    const first = readiness.begin();
    const second = readiness.begin();
    const idle = readiness.whenIdle(Date.now() + 60_000);
    first();
    first();
    expect(readiness.inFlight).toBe(1);
    second();
    expect(await idle).toBe(true);
    readiness.begin();
    expect(await readiness.whenIdle(Date.now())).toBe(false);
  });
});
