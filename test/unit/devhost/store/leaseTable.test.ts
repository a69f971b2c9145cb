import { VirtualClock } from '../../../../devhost/src/clock/virtualClock';
import { EventType } from '../../../../devhost/src/protocol/history';
import type { HeldMessage } from '../../../../devhost/src/store/heldMessage';
import { LeaseTable } from '../../../../devhost/src/store/leaseTable';

const LOCK_MS = 60_000;
let counter = 0;

function held(instanceId: string, visibleAt: number): HeldMessage {
  counter += 1;
  return {
    messageId: `m${counter}`,
    instanceId,
    message: {
      event: {
        EventType: EventType.EventRaised,
        EventId: -1,
        IsPlayed: false,
        Timestamp: 'T',
        Name: `e${counter}`,
        Input: null,
      },
      orchestrationInstance: { InstanceId: instanceId, ExecutionId: null },
    },
    insertedAt: 0,
    firstDequeueCount: 1,
    seq: 0,
    visibleAt,
    receipt: '',
    deliveries: 0,
    deleting: false,
  };
}

describe('LeaseTable', () => {
  it('serves the instance with the oldest deliverable message first, however much newer work arrives', () => {
    const clock = new VirtualClock(0);
    const table = new LeaseTable<HeldMessage>(clock);
    const old = held('old', 0);
    table.addControl(old);
    for (let i = 0; i < 100; i += 1) table.addControl(held(`new-${i}`, 0));
    const first = table.leaseInstance(LOCK_MS);
    expect(first?.instanceId).toBe('old');
    expect(first?.messages).toEqual([old]);
    const order: string[] = [];
    for (let lease = table.leaseInstance(LOCK_MS); lease; lease = table.leaseInstance(LOCK_MS)) {
      order.push(lease.instanceId);
      table.addControl(held(`newer-${order.length}`, 0));
      if (order.length === 100) break;
    }
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => `new-${i}`));
    table.close();
  });

  it('keeps messages for a leased instance until the lease ends, then hands them over in one lease', () => {
    const clock = new VirtualClock(0);
    const table = new LeaseTable<HeldMessage>(clock);
    table.addControl(held('a', 0));
    const lease = table.leaseInstance(LOCK_MS);
    if (!lease) throw new Error('no lease');
    const later = [held('a', 0), held('a', 0)];
    for (const message of later) table.addControl(message);
    expect(table.leaseInstance(LOCK_MS)).toBeUndefined();
    for (const message of table.leasedMessages(lease.messages)) table.removeControl(message);
    table.releaseInstance('a', lease.token);
    expect(table.leaseInstance(LOCK_MS)?.messages).toEqual(later);
    table.close();
  });

  it('keeps one clock timer, at the earliest due time, and none once nothing is due', async () => {
    const clock = new VirtualClock(0);
    const table = new LeaseTable<HeldMessage>(clock);
    const woken: number[] = [];
    table.onWorkAvailable(() => woken.push(clock.now()));
    for (const at of [5000, 1000, 3000]) table.addControl(held(`d${at}`, at));
    expect(clock.nextScheduledAt()).toBe(1000);
    const activity = held('x', 0);
    table.addActivity(activity);
    const leased = table.leaseActivity(500);
    expect(leased).toBe(activity);
    expect(clock.nextScheduledAt()).toBe(500);
    table.removeActivity(activity);
    expect(clock.nextScheduledAt()).toBe(1000);
    await clock.advance(1000);
    expect(woken).toContain(1000);
    expect(table.leaseInstance(LOCK_MS)?.instanceId).toBe('d1000');
    table.close();
    expect(clock.nextScheduledAt()).toBeUndefined();
  });
});
