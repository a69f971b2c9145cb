/**
 * The azure store's rows, messages and blobs as other DTF tools see them, its hub ownership, and
 * what it does with data it cannot read, checked with the storage SDKs against in-memory Azurite.
 */
import { randomUUID } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import {
  EventType,
  type ExecutionStartedEvent,
  type HistoryEvent,
} from '../../../devhost/src/protocol/history';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { AzureTaskHubStore } from '../../../devhost/src/store/azure/azureTaskHubStore';
import { escapePartitionKey } from '../../../devhost/src/store/azure/keySanitation';
import { controlQueueIndex } from '../../../devhost/src/store/routing';
import type { InstanceRow, TaskMessage } from '../../../devhost/src/store/taskHubStore';
import { eventRaisedMessage } from '../../support/durableEvents';
import { until } from '../../support/until';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';

let azurite: TestAzurite;
const clock = new RealClock();
const LOCK_MS = 60_000;

beforeAll(async () => {
  azurite = await startTestAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

function open(hub: string, extra: Partial<Parameters<typeof AzureTaskHubStore.open>[0]> = {}) {
  return AzureTaskHubStore.open({
    taskHubName: hub,
    connectionString: azurite.connectionString,
    clock,
    leaseWaitMs: 0,
    ...extra,
  });
}

function table(name: string): TableClient {
  return TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });
}

function start(instanceId: string, input: string | null = '"in"'): TaskMessage {
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
    Input: input,
    Tags: null,
    Correlation: null,
    ScheduledStartTime: null,
    Generation: 0,
  };
  return { event, orchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId } };
}

function runningRow(message: TaskMessage): InstanceRow {
  const event = message.event as ExecutionStartedEvent;
  return {
    instanceId: event.OrchestrationInstance.InstanceId,
    executionId: event.OrchestrationInstance.ExecutionId,
    name: event.Name,
    version: null,
    input: event.Input,
    output: null,
    customStatus: null,
    runtimeStatus: 'Running',
    createdTime: event.Timestamp,
    lastUpdatedTime: event.Timestamp,
    completedTime: null,
    scheduledStartTime: null,
    generation: 0,
    parentInstanceId: null,
  };
}

/** Creates an instance and checkpoints its first episode with the given extra events. */
async function run(store: AzureTaskHubStore, instanceId: string, extra: HistoryEvent[] = [], input?: string) {
  const message = start(instanceId, input);
  await store.createInstance(message, { dedupeStatuses: [] });
  const item = await store.receiveOrchestrationWorkItem(LOCK_MS);
  if (item?.instanceId !== instanceId) throw new Error('start not delivered');
  const started: HistoryEvent = {
    EventType: EventType.OrchestratorStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: message.event.Timestamp,
  };
  await store.completeOrchestrationWorkItem(item, {
    history: {
      executionId: message.orchestrationInstance.ExecutionId ?? '',
      events: [started, message.event, ...extra],
    },
    instance: runningRow(message),
  });
  return message;
}

describe('azure store layout', () => {
  it('writes Instances and History rows in the DTF layout and puts messages on the FNV-1a partition', async () => {
    const hub = uniqueHubName('layout');
    const store = await open(hub);
    const instanceId = 'order/42#a';
    try {
      const scheduled: HistoryEvent = {
        EventType: EventType.TaskScheduled,
        EventId: 0,
        IsPlayed: false,
        Timestamp: new Date().toISOString(),
        Name: 'Charge',
        Version: null,
        Input: null,
      };
      const message = await run(store, instanceId, [scheduled]);
      await store.sendMessage({ message: eventRaisedMessage(instanceId, 'Approved') });
      // Closing gives held messages back, so they can be peeked.
      await store.close();

      const instance = await table(`${hub}Instances`).getEntity<Record<string, unknown>>(
        escapePartitionKey(instanceId),
        '',
      );
      expect(instance).toMatchObject({
        partitionKey: 'order^042^2a',
        rowKey: '',
        RuntimeStatus: 'Running',
        ExecutionId: message.orchestrationInstance.ExecutionId,
        Name: 'Flow',
        TaskHubName: hub,
      });
      const rows: Record<string, unknown>[] = [];
      for await (const row of table(`${hub}History`).listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${escapePartitionKey(instanceId)}` },
      })) {
        rows.push(row);
      }
      expect(rows.map((r) => [r.rowKey, r.EventType])).toEqual([
        ['0000000000000000', 'OrchestratorStarted'],
        ['0000000000000001', 'ExecutionStarted'],
        ['0000000000000002', 'TaskScheduled'],
        ['sentinel', undefined],
      ]);
      expect(rows[0]?._Timestamp).toBeInstanceOf(Date);
      expect(rows[1]?.OrchestrationInstance).toBe(JSON.stringify(message.orchestrationInstance));
      expect(rows[3]).toMatchObject({
        ExecutionId: message.orchestrationInstance.ExecutionId,
        IsCheckpointComplete: true,
      });

      const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
      const partition = controlQueueIndex(instanceId, 4);
      const peeked = await queues
        .getQueueClient(`${hub.toLowerCase()}-control-0${partition}`)
        .peekMessages({ numberOfMessages: 32 });
      const body = JSON.parse(
        Buffer.from(peeked.peekedMessageItems[0]?.messageText ?? '', 'base64').toString('utf8'),
      ) as Record<string, unknown>;
      expect(body).toMatchObject({
        $type: 'DurableTask.AzureStorage.MessageData',
        TaskMessage: {
          Event: {
            $type: 'DurableTask.Core.History.EventRaisedEvent',
            EventType: EventType.EventRaised,
            Name: 'Approved',
          },
          OrchestrationInstance: { InstanceId: instanceId },
        },
      });
      expect(peeked.peekedMessageItems[0]?.expiresOn.getUTCFullYear()).toBe(9999);
    } finally {
      await store.close();
    }
  });

  it('keeps values over 60 KB in gzip blobs (history columns) and envelopes over 45 KB as blob pointers', async () => {
    const hub = uniqueHubName('large');
    const store = await open(hub);
    const big = JSON.stringify('x'.repeat(40_000));
    try {
      await run(store, 'big-1', [], big);
      const row = await table(`${hub}History`).getEntity<Record<string, unknown>>(
        'big-1',
        '0000000000000001',
      );
      expect(row.Input).toBe('');
      expect(String(row.InputBlobName)).toMatch(
        /^big-1\/history-0000000000000001-ExecutionStarted-[0-9a-f]{8}-Input\.json\.gz$/,
      );
      expect((await store.readHistory('big-1'))?.events[1]).toMatchObject({ Input: big });

      await store.sendMessage({ message: eventRaisedMessage('big-1', 'Huge', 'y'.repeat(50_000)) });
      await store.close();
      const reopened = await open(hub);
      try {
        const item = await reopened.receiveOrchestrationWorkItem(LOCK_MS);
        expect((item?.messages[0]?.message.event as { Input: string }).Input).toHaveLength(50_002);
      } finally {
        await reopened.close();
      }
    } finally {
      await store.close();
    }
  });

  it('purges an instance with its large values, one counted call per blob', async () => {
    const hub = uniqueHubName('purge');
    const store = await open(hub);
    const big = (c: string) => JSON.stringify(c.repeat(70_000));
    try {
      const scheduled = (id: number, input: string): HistoryEvent => ({
        EventType: EventType.TaskScheduled,
        EventId: id,
        IsPlayed: false,
        Timestamp: new Date().toISOString(),
        Name: 'Charge',
        Version: null,
        Input: input,
      });
      await run(store, 'fat-1', [scheduled(0, big('a')), scheduled(1, big('b'))], big('c'));
      await run(store, 'fat-10', [], big('d'));
      const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
        `${hub.toLowerCase()}-largemessages`,
      );
      const names = async (prefix: string) => {
        const out: string[] = [];
        for await (const blob of blobs.listBlobsFlat({ prefix })) out.push(blob.name);
        return out;
      };
      // A start message's blob goes with the message, once its checkpoint is written.
      await until('the start messages are deleted', async () =>
        (await names('fat-')).every((name) => !name.includes('/message-')),
      );
      // Three history values and the instance's input.
      expect(await names('fat-1/')).toHaveLength(4);

      const before = store.calls.counts.blob;
      expect(await store.purgeInstance('fat-1')).toBe(1);
      // One listing page, then each blob deleted on its own.
      expect(store.calls.counts.blob - before).toBe(1 + 4);
      expect(await names('fat-1/')).toEqual([]);
      expect(await store.readHistory('fat-1')).toBeUndefined();
      expect(await store.getInstance('fat-1')).toBeUndefined();
      // The other instance, whose id begins the same, keeps its blobs.
      expect(await names('fat-10/')).toHaveLength(2);
      expect((await store.readHistory('fat-10'))?.events[1]).toMatchObject({ Input: big('d') });
    } finally {
      await store.close();
    }
  });

  it('reads a deep control queue in batches of 32 into one work item', async () => {
    const hub = uniqueHubName('depth');
    const writer = await open(hub);
    await run(writer, 'deep-1');
    for (let i = 0; i < 100; i += 1)
      await writer.sendMessage({ message: eventRaisedMessage('deep-1', `e${i}`) });
    await writer.close();

    // Polling in the background only rarely, so the count is the reads this work item needed.
    const reader = await open(hub, { maxPollIntervalMs: 60_000 });
    try {
      const before = reader.calls.counts.queue;
      const item = await reader.receiveOrchestrationWorkItem(LOCK_MS);
      expect(item?.messages).toHaveLength(100);
      expect(item?.messages.map((m) => (m.message.event as { Name: string }).Name)).toEqual(
        Array.from({ length: 100 }, (_, i) => `e${i}`),
      );
      // Four reads of the instance's queue (32+32+32+4) and one empty read of each other queue.
      expect(reader.calls.counts.queue - before).toBeLessThanOrEqual(8);
    } finally {
      await reader.close();
    }
  });

  it('hides a timer again that a queue gave back before it is due (Azure caps delays at 7 days)', async () => {
    const hub = uniqueHubName('longtimer');
    const store = await open(hub);
    try {
      await run(store, 'long-1');
    } finally {
      await store.close();
    }
    const fireAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
    const queue = queues.getQueueClient(`${hub.toLowerCase()}-control-0${controlQueueIndex('long-1', 4)}`);
    const envelope = {
      TaskMessage: {
        Event: {
          EventType: EventType.TimerFired,
          EventId: -1,
          IsPlayed: false,
          Timestamp: new Date().toISOString(),
          TimerId: 0,
          FireAt: fireAt,
        },
        OrchestrationInstance: { InstanceId: 'long-1', ExecutionId: null },
      },
    };
    await queue.sendMessage(JSON.stringify(envelope), { messageTimeToLive: -1 });
    const reopened = await open(hub);
    try {
      expect(await reopened.receiveOrchestrationWorkItem(LOCK_MS)).toBeUndefined();
      expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a second owner of a hub with a message that names the first', async () => {
    const hub = uniqueHubName('owned');
    const first = await open(hub, { owner: 'devhost@elsewhere#1' });
    try {
      await expect(open(hub)).rejects.toThrow(/owned by 'devhost@elsewhere#1'/);
    } finally {
      await first.close();
    }
    const second = await open(hub);
    await second.close();
  });
});

describe('azure store with data it cannot read', () => {
  it('fails only the instance whose history row has an unknown event type, saying why', async () => {
    const hub = uniqueHubName('corrupt');
    const first = await open(hub);
    let executionId = '';
    try {
      await run(first, 'bad-1');
      await run(first, 'good-1');
      executionId = (await first.readHistory('bad-1'))?.executionId ?? '';
    } finally {
      await first.close();
    }
    // Written while no devhost owns the hub: an owner trusts the history it wrote itself.
    await table(`${hub}History`).upsertEntity({
      partitionKey: 'bad-1',
      rowKey: '0000000000000002',
      EventType: 'FromTheFuture',
      ExecutionId: executionId,
    });
    const store = await open(hub);
    try {
      await store.sendMessage({ message: eventRaisedMessage('bad-1', 'A') });
      await store.sendMessage({ message: eventRaisedMessage('good-1', 'B') });
      const item = await store.receiveOrchestrationWorkItem(LOCK_MS);
      expect(item?.instanceId).toBe('good-1');
      expect(await store.getInstance('bad-1')).toMatchObject({
        runtimeStatus: 'Failed',
        output: expect.stringContaining("unknown event type 'FromTheFuture'") as unknown,
      });
    } finally {
      await store.close();
    }
  });

  it('fails the instance a truncated message names, and the one whose large-value blob is gone', async () => {
    const hub = uniqueHubName('broken');
    const store = await open(hub);
    try {
      await run(store, 'cut-1');
      await run(store, 'blob-1', [], JSON.stringify('z'.repeat(40_000)));
      await run(store, 'fine-1');
    } finally {
      await store.close();
    }
    const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
    const cut = `{"TaskMessage":{"OrchestrationInstance":{"InstanceId":"cut-1","ExecutionId":null},"Event":{"EventT`;
    await queues
      .getQueueClient(`${hub.toLowerCase()}-control-0${controlQueueIndex('cut-1', 4)}`)
      .sendMessage(Buffer.from(cut).toString('base64'), { messageTimeToLive: -1 });
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      `${hub.toLowerCase()}-largemessages`,
    );
    for await (const blob of blobs.listBlobsFlat({ prefix: 'blob-1/' })) await blobs.deleteBlob(blob.name);

    const reopened = await open(hub);
    try {
      await reopened.sendMessage({ message: eventRaisedMessage('blob-1', 'A') });
      await reopened.sendMessage({ message: eventRaisedMessage('fine-1', 'B') });
      const seen: string[] = [];
      for (
        let item = await reopened.receiveOrchestrationWorkItem(LOCK_MS);
        item;
        item = await reopened.receiveOrchestrationWorkItem(LOCK_MS)
      ) {
        seen.push(item.instanceId);
        await reopened.completeOrchestrationWorkItem(item, {});
      }
      expect(seen).toEqual(['fine-1']);
      expect(await reopened.getInstance('cut-1')).toMatchObject({
        runtimeStatus: 'Failed',
        output: expect.stringContaining('not valid JSON') as unknown,
      });
      expect(await reopened.getInstance('blob-1')).toMatchObject({
        runtimeStatus: 'Failed',
        output: expect.stringContaining('is gone') as unknown,
      });
    } finally {
      await reopened.close();
    }
  });
});
