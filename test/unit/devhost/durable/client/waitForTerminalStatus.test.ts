import { waitForTerminalStatus } from '../../../../../devhost/durable/client/startHandlers';
import { FakeDurableOperations, ManualClock } from '../../../../support/fakeDurableOperations';

describe('waitForTerminalStatus', () => {
  it('polls on the clock until the instance is terminal', async () => {
    const ops = new FakeDurableOperations();
    const clock = new ManualClock();
    ops.addInstance('w', 'Running');
    const waiting = waitForTerminalStatus(ops, clock, 'w', 10_000, 1_000);
    await flush();
    expect(ops.callsOf('getStatus')).toHaveLength(1);
    clock.advance(1_000);
    await flush();
    expect(ops.callsOf('getStatus')).toHaveLength(2);
    ops.setStatus('w', 'Completed', 7);
    clock.advance(1_000);
    await expect(waiting).resolves.toMatchObject({ runtimeStatus: 'Completed', output: 7 });
  });

  it('gives up at the timeout, the last wait shortened to fit', async () => {
    const ops = new FakeDurableOperations();
    const clock = new ManualClock();
    ops.addInstance('w', 'Pending');
    const waiting = waitForTerminalStatus(ops, clock, 'w', 2_500, 1_000);
    for (const step of [1_000, 1_000, 500]) {
      await flush();
      clock.advance(step);
    }
    await expect(waiting).resolves.toMatchObject({ runtimeStatus: 'Pending' });
    expect(ops.callsOf('getStatus')).toHaveLength(4);
    expect(clock.pendingTimers).toBe(0);
  });
});

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
