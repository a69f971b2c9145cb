/**
 * A stop with a backlog: the engine takes no new work item from the moment the stop begins, lets
 * the running ones finish within the shutdown timeout, and hands back those that do not.
 */
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';

const BACKLOG = 3000;

/** An activity override that blocks until the test opens the gate, counting its calls. */
function gatedHello(host: TestHost): {
  calls: () => number;
  open: () => void;
  reached: (n: number) => Promise<void>;
} {
  let calls = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const waiters: { n: number; resolve: () => void }[] = [];
  host.overrideActivity('Hello', async () => {
    calls += 1;
    for (const w of waiters.filter((w) => calls >= w.n)) w.resolve();
    await gate;
    return 'hello';
  });
  return {
    calls: () => calls,
    open,
    reached: (n) => (calls >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

async function queueBacklog(host: TestHost): Promise<void> {
  for (let i = 0; i < BACKLOG; i += 1) await host.start('Sequence', { input: ['a'] });
}

describe('stopping with a backlog of thousands of queued instances', () => {
  test('takes no new work once the stop begins and returns when the running work is done', async () => {
    const host = await startFixtureHost();
    const hello = gatedHello(host);
    await queueBacklog(host);
    // durable-app allows 3 activities at once: all three are now blocked in Hello.
    await hello.reached(3);
    const begun = Date.now();
    const stopping = host.devhost.stop({ timeoutMs: 30_000 });
    hello.open();
    await stopping;
    expect(Date.now() - begun).toBeLessThan(10_000);
    expect(hello.calls()).toBe(3);
    expect(host.logs.some((r) => /handing .* back to the task hub/.test(r.message))).toBe(false);
    await host.stop();
  });

  test('hands back the work still running at the shutdown timeout and returns', async () => {
    const host = await startFixtureHost();
    const hello = gatedHello(host);
    await queueBacklog(host);
    await hello.reached(3);
    const begun = Date.now();
    await host.devhost.stop({ timeoutMs: 200 });
    expect(Date.now() - begun).toBeLessThan(5_000);
    expect(hello.calls()).toBe(3);
    expect(
      host.logs.some((r) =>
        /handing 0 orchestration and 3 activity work item\(s\) still running back to the task hub/.test(
          r.message,
        ),
      ),
    ).toBe(true);
    hello.open();
    await host.stop();
  });
});
