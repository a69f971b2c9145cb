import { VirtualClock } from '../../../../devhost/src/clock/virtualClock';
import { EventType, type HistoryEvent } from '../../../../devhost/src/protocol/history';
import type { HeldMessage } from '../../../../devhost/src/store/heldMessage';
import { LeaseTable } from '../../../../devhost/src/store/leaseTable';

const LOCK_MS = 60_000;
let counter = 0;

function held(instanceId: string, visibleAt: number, type = EventType.EventRaised): HeldMessage {
  counter += 1;
  return {
    messageId: `m${counter}`,
    instanceId,
    message: {
      event: {
        EventType: type,
        EventId: -1,
        IsPlayed: false,
        Timestamp: 'T',
        Name: `e${counter}`,
        Input: null,
      } as HistoryEvent,
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

function nth<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
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

  describe('after an episode, while more activities of the instance are to finish', () => {
    /** One episode of 'fan' that took `tookMs` and left three activities running. */
    async function fanOut(tookMs: number): Promise<{
      clock: VirtualClock;
      table: LeaseTable<HeldMessage>;
      activities: HeldMessage[];
    }> {
      const clock = new VirtualClock(0);
      const table = new LeaseTable<HeldMessage>(clock);
      table.addControl(held('fan', 0));
      const lease = table.leaseInstance(LOCK_MS);
      if (!lease) throw new Error('no lease');
      const activities = [1, 2, 3].map(() => held('fan', 0, EventType.TaskScheduled));
      for (const activity of activities) table.addActivity(activity);
      await clock.advance(tookMs);
      for (const message of table.leasedMessages(lease.messages)) table.removeControl(message);
      table.releaseInstance('fan', lease.token);
      return { clock, table, activities };
    }

    it('holds its results back for as long as the episode took, then hands them over in one lease', async () => {
      const { clock, table, activities } = await fanOut(40);
      const results = activities.slice(0, 2).map(() => held('fan', clock.now(), EventType.TaskCompleted));
      for (const [i, result] of results.entries()) {
        table.addControl(result);
        table.removeActivity(nth(activities, i));
      }
      expect(table.leaseInstance(LOCK_MS)).toBeUndefined();
      expect(clock.nextScheduledAt()).toBe(80);
      await clock.advance(40);
      expect(table.leaseInstance(LOCK_MS)?.messages).toEqual(results);
      table.close();
    });

    it('hands the results over at once when the last activity finishes', async () => {
      const { table, activities, clock } = await fanOut(40);
      const results = activities.map(() => held('fan', clock.now(), EventType.TaskCompleted));
      for (const [i, result] of results.entries()) {
        table.addControl(result);
        if (i < 2) table.removeActivity(nth(activities, i));
      }
      expect(table.leaseInstance(LOCK_MS)).toBeUndefined();
      // As the azure store holds a result: the activity message stays until the checkpoint, marked.
      table.markDeleting([nth(activities, 2)]);
      expect(table.leaseInstance(LOCK_MS)?.messages).toEqual(results);
      table.close();
    });

    it('does not hold back any other message, nor results after an episode that took no time', async () => {
      const raised = await fanOut(40);
      const event = held('fan', raised.clock.now());
      raised.table.addControl(held('fan', raised.clock.now(), EventType.TaskCompleted));
      raised.table.addControl(event);
      expect(raised.table.leaseInstance(LOCK_MS)?.messages).toHaveLength(2);
      raised.table.close();

      const quick = await fanOut(0);
      const result = held('fan', 0, EventType.TaskCompleted);
      quick.table.addControl(result);
      expect(quick.table.leaseInstance(LOCK_MS)?.messages).toEqual([result]);
      quick.table.close();
    });

    it('waits at most half a second, however long the episode took', async () => {
      const { clock, table } = await fanOut(5_000);
      table.addControl(held('fan', clock.now(), EventType.TaskCompleted));
      expect(clock.nextScheduledAt()).toBe(5_500);
      await clock.advance(500);
      expect(table.leaseInstance(LOCK_MS)?.instanceId).toBe('fan');
      table.close();
    });
  });
});
