/**
 * How the azure store reads messages it did not send itself (sent by another process, or left in
 * the queues by a stop or a crash): within a bounded time however much local work keeps coming,
 * and a message read ahead of its due time is delivered when it falls due, not at the next poll.
 */
import { randomUUID } from 'node:crypto';
import { QueueServiceClient } from '@azure/storage-queue';
import { EventType, type ExecutionStartedEvent } from '../../../devhost/src/protocol/history';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { VirtualClock } from '../../../devhost/src/clock/virtualClock';
import type { Clock } from '../../../devhost/src/clock/clock';
import { AzureTaskHubStore } from '../../../devhost/src/store/azure/azureTaskHubStore';
import { DEFAULT_PARTITION_COUNT } from '../../../devhost/src/store/azure/names';
import { controlQueueIndex } from '../../../devhost/src/store/routing';
import type { TaskMessage } from '../../../devhost/src/store/taskHubStore';
import { eventRaisedMessage } from '../../support/durableEvents';
import { isQueueRead, proxyService } from '../../support/holdingProxy';
import { until } from '../../support/until';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';

let azurite: TestAzurite;
const LOCK_MS = 60_000;
/** Longest wait for a message left in a queue while local work keeps arriving. */
const READ_BOUND_MS = 15_000;

beforeAll(async () => {
  azurite = await startTestAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

function open(
  hub: string,
  clock: Clock,
  {
    connectionString = azurite.connectionString,
    maxPollIntervalMs = 1000,
    log,
  }: {
    connectionString?: string;
    maxPollIntervalMs?: number;
    log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  } = {},
) {
  return AzureTaskHubStore.open({
    taskHubName: hub,
    connectionString,
    clock,
    leaseWaitMs: 0,
    maxPollIntervalMs,
    ...(log ? { log } : {}),
  });
}

function started(instanceId: string): TaskMessage {
  const executionId = randomUUID().replace(/-/g, '');
  const event: ExecutionStartedEvent = {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: new Date().toISOString(),
    OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
    ParentInstance: null,
    Name: 'Flow',
    Version: null,
    Input: null,
    Tags: null,
    Correlation: null,
    ScheduledStartTime: null,
    Generation: 0,
  };
  return { event, orchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId } };
}

/** A message as DTF's `MessageData.TaskMessage` carries it (plain JSON is read as well as base64). */
function envelope(message: TaskMessage): Record<string, unknown> {
  return { Event: message.event, OrchestrationInstance: message.orchestrationInstance };
}

function eventName(message: TaskMessage): string {
  return message.event.EventType === EventType.EventRaised ? message.event.Name : '';
}

describe('azure store reading its queues', () => {
  it('reads messages another process sends within a bounded time while local work keeps arriving', async () => {
    const hub = uniqueHubName('fair');
    const store = await open(hub, new RealClock());
    const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
    const others = ['other-a', 'other-b', 'other-c', 'other-d'];
    const seen = new Set<string>();
    let sentAt: number | undefined;
    try {
      await store.createInstance(started('busy'), { dedupeStatuses: [] });
      for (let round = 0; seen.size < 64; round += 1) {
        // There is always local work: a new event for 'busy' before every receive.
        await store.sendMessage({ message: eventRaisedMessage('busy', `new-${round}`) });
        if (round === 20) {
          // Another process (a client of the same hub) sends 64 events; they wait in the queues.
          for (let i = 0; i < 64; i += 1) {
            const id = others[i % others.length] ?? '';
            await queues
              .getQueueClient(`${hub.toLowerCase()}-control-0${controlQueueIndex(id, 4)}`)
              .sendMessage(JSON.stringify({ TaskMessage: envelope(eventRaisedMessage(id, `other-${i}`)) }), {
                messageTimeToLive: -1,
              });
          }
          sentAt = Date.now();
        }
        const item = await store.receiveOrchestrationWorkItem(LOCK_MS);
        if (!item) throw new Error('no work item although a message was just sent');
        for (const received of item.messages) {
          const name = eventName(received.message);
          if (name.startsWith('other-')) seen.add(name);
        }
        await store.completeOrchestrationWorkItem(item, {});
        if (sentAt !== undefined && Date.now() - sentAt > READ_BOUND_MS) {
          throw new Error(`Only ${seen.size} of 64 waiting messages were read in ${READ_BOUND_MS} ms.`);
        }
      }
      expect(seen.size).toBe(64);
    } finally {
      await store.close();
    }
  });

  it('hands out work this process sends while a read of its queues is held up', async () => {
    const { proxy, connectionString } = await proxyService(azurite.connectionString, 'Queue', isQueueRead);
    // Reads of empty queues come back within 100 ms, so one is due when the receive below asks.
    const store = await open(uniqueHubName('held'), new RealClock(), {
      connectionString,
      maxPollIntervalMs: 100,
    });
    try {
      proxy.hold();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const receiving = store.receiveOrchestrationWorkItem(LOCK_MS);
      await until('a queue read is held', () => proxy.heldCount > 0);
      await store.sendMessage({ message: eventRaisedMessage('held-1', 'Go') });
      const item = await Promise.race([
        receiving,
        new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 5_000)),
      ]);
      // Handed out while the read was still held, not after it.
      expect(item === 'waited' ? item : item?.messages.map((m) => eventName(m.message))).toEqual(['Go']);
      expect(proxy.heldCount).toBeGreaterThan(0);
    } finally {
      proxy.release();
      await store.close();
      await proxy.close();
    }
  });

  it('delivers a scheduled start read ahead of its time when it falls due, waking its listeners then', async () => {
    const hub = uniqueHubName('due');
    const clock = new VirtualClock(Date.now());
    const dueAt = clock.now() + 5000;
    const first = await open(hub, clock);
    await first.close();
    const start = started('timed-1');
    if (start.event.EventType !== EventType.ExecutionStarted) throw new Error('not a start');
    start.event.ScheduledStartTime = new Date(dueAt).toISOString();
    // Sent as another process would, visible at once: the store reads it before it is due.
    const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
    await queues
      .getQueueClient(`${hub.toLowerCase()}-control-0${controlQueueIndex('timed-1', 4)}`)
      .sendMessage(JSON.stringify({ TaskMessage: envelope(start) }), { messageTimeToLive: -1 });

    const store = await open(hub, clock);
    const wakes: number[] = [];
    const stop = store.onWorkAvailable(() => wakes.push(clock.now()));
    try {
      // Read into the table, but not due yet.
      expect(await store.receiveOrchestrationWorkItem(LOCK_MS)).toBeUndefined();
      await clock.advance(5000);
      expect(wakes).toContain(dueAt);
      const item = await store.receiveOrchestrationWorkItem(LOCK_MS);
      expect(item?.messages.map((m) => m.message.event.EventType)).toEqual([EventType.ExecutionStarted]);
    } finally {
      stop();
      await store.close();
    }
  });

  it('says once that reads of a queue fail, not at every read, and says when they work again', async () => {
    const { proxy, connectionString } = await proxyService(azurite.connectionString, 'Queue', isQueueRead);
    const lines: string[] = [];
    const store = await open(uniqueHubName('down'), new RealClock(), {
      connectionString,
      // Empty queues are read every 100 ms or so: dozens of failed reads below.
      maxPollIntervalMs: 100,
      log: (_level, message) => lines.push(message),
    });
    const queues = DEFAULT_PARTITION_COUNT + 1; // the control queues and the work items
    try {
      proxy.refuse(403);
      await until('reads fail', () => lines.filter((l) => l.startsWith('Could not read')).length === queues);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(lines.filter((l) => l.startsWith('Could not read'))).toHaveLength(queues);
      expect(lines.filter((l) => l.startsWith('Still cannot read'))).toHaveLength(0);

      proxy.release();
      await until(
        'reads work again',
        () => lines.filter((l) => / is read again, after \d+ failed reads? over/.test(l)).length === queues,
      );
      // And work still flows.
      await store.sendMessage({ message: eventRaisedMessage('after', 'Go') });
      expect((await store.receiveOrchestrationWorkItem(LOCK_MS))?.instanceId).toBe('after');
    } finally {
      proxy.release();
      await store.close();
      await proxy.close();
    }
  });
});
