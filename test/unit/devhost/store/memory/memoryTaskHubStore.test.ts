import { EventType } from '../../../../../devhost/src/protocol/history';
import { VirtualClock } from '../../../../../devhost/src/clock/virtualClock';
import { MemoryTaskHubStore } from '../../../../../devhost/src/store/memory/memoryTaskHubStore';
import { describeTaskHubStoreContract } from '../../../../contract/taskHubStoreContract';

describeTaskHubStoreContract('memory', (clock) => {
  const store = new MemoryTaskHubStore({ taskHubName: 'ContractHub', clock });
  return Promise.resolve({ store, dispose: () => store.close() });
});

describe('MemoryTaskHubStore', () => {
  it('leaves no wake-up pending for a lease that was completed before it ran out', async () => {
    const clock = new VirtualClock(0);
    const store = new MemoryTaskHubStore({ taskHubName: 'Hub', clock });
    await store.sendMessage({
      message: {
        event: {
          EventType: EventType.TaskScheduled,
          EventId: 0,
          IsPlayed: false,
          Timestamp: 'T',
          Name: 'A',
          Version: null,
          Input: null,
        },
        orchestrationInstance: { InstanceId: 'i', ExecutionId: 'e' },
      },
    });
    const item = await store.receiveActivityWorkItem(60_000);
    expect(clock.nextScheduledAt()).toBe(60_000);
    if (!item) throw new Error('no work item');
    await store.completeActivityWorkItem(item, {
      event: {
        EventType: EventType.TaskCompleted,
        EventId: -1,
        IsPlayed: false,
        Timestamp: 'T',
        TaskScheduledId: 0,
        Result: null,
      },
      orchestrationInstance: { InstanceId: 'i', ExecutionId: 'e' },
    });
    expect(clock.nextScheduledAt()).toBeUndefined();
    await store.close();
  });
});
