import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('durable engine: fan-out and concurrency', () => {
  let host: TestHost;
  afterEach(async () => {
    await host.stop();
  });

  it('fans out, fans in, and never runs more activities at once than host.json allows', async () => {
    host = await startFixtureHost();
    let running = 0;
    let peak = 0;
    host.overrideActivity('Double', async (n: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return n * 2;
    });
    const id = await host.start('FanOut', { instanceId: uniqueId('fan'), input: 20 });
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toBe(380);
    // The fixture's host.json sets maxConcurrentActivityFunctions: 3.
    expect(peak).toBe(3);
    expect(host.engine.peakConcurrency.activities).toBe(3);
  });

  it('runs no more orchestrator episodes at once than maxConcurrentOrchestratorFunctions', async () => {
    host = await startFixtureHost({ settings: { maxConcurrentOrchestratorFunctions: 2 } });
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) => host.start('Sequence', { instanceId: uniqueId(`many${i}`) })),
    );
    for (const id of ids) await host.waitForStatus(id, 'Completed');
    // Six instances ready at once: the pump runs exactly as many episodes together as allowed.
    expect(host.engine.peakConcurrency.orchestrations).toBe(2);
  });
});
