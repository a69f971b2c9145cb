import { waitForTerminalStatus } from '../../../../../devhost/src/durable/client/startHandlers';
import { VirtualClock } from '../../../../../devhost/src/clock/virtualClock';
import { FakeDurableOperations } from '../../../../support/fakeDurableOperations';

describe('waitForTerminalStatus', () => {
  it('polls on the clock until the instance is terminal', async () => {
    const ops = new FakeDurableOperations();
    const clock = new VirtualClock();
    ops.addInstance('w', 'Running');
    const waiting = waitForTerminalStatus(ops, clock, 'w', 10_000, 1_000);
    await clock.advance(0);
    expect(ops.callsOf('getStatus')).toHaveLength(1);
    await clock.advance(1_000);
    expect(ops.callsOf('getStatus')).toHaveLength(2);
    ops.setStatus('w', 'Completed', 7);
    await clock.advance(1_000);
    await expect(waiting).resolves.toMatchObject({ runtimeStatus: 'Completed', output: 7 });
  });

  it('gives up at the timeout, the last wait shortened to fit', async () => {
    const ops = new FakeDurableOperations();
    const clock = new VirtualClock();
    ops.addInstance('w', 'Pending');
    const waiting = waitForTerminalStatus(ops, clock, 'w', 2_500, 1_000);
    await clock.advance(2_000);
    expect(clock.nextScheduledAt()).toBe(clock.now() + 500);
    await clock.advance(500);
    await expect(waiting).resolves.toMatchObject({ runtimeStatus: 'Pending' });
    expect(ops.callsOf('getStatus')).toHaveLength(4);
    expect(clock.nextScheduledAt()).toBeUndefined();
  });
});
