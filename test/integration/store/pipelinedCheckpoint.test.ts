/**
 * A checkpoint frees its instance as soon as its history batch is on its way: the instance's next
 * episode runs meanwhile, and that episode's own batch waits for the first (its ETag comes from
 * it). A batch that fails takes the checkpoint built on it down too, and the messages of both are
 * delivered again with the history as stored: nothing is lost.
 */
import { randomUUID } from 'node:crypto';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { EventType, type HistoryEvent } from '../../../devhost/src/protocol/history';
import { AzureTaskHubStore } from '../../../devhost/src/store/azure/azureTaskHubStore';
import { DEFAULT_PARTITION_COUNT } from '../../../devhost/src/store/azure/names';
import { StoreConflictError } from '../../../devhost/src/store/errors';
import type { OrchestrationWorkItem, TaskMessage } from '../../../devhost/src/store/taskHubStore';
import { eventRaisedMessage, executionStarted } from '../../support/durableEvents';
import { isQueueRead, proxyService, type HoldingProxy } from '../../support/holdingProxy';
import { until } from '../../support/until';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';

let azurite: TestAzurite;
const LOCK_MS = 60_000;
/** The queues a store reads: its control queues and its work-item queue. */
const QUEUES = DEFAULT_PARTITION_COUNT + 1;

beforeAll(async () => {
  azurite = await startTestAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

/**
 * Runs `test` with a store whose table calls go through a proxy that can hold (or fail) its
 * history batches, and with `queueReads` its queue reads through another (to count them); closes
 * them all after.
 */
async function behindProxy(
  test: (
    store: AzureTaskHubStore,
    proxy: HoldingProxy,
    queueReads: HoldingProxy | undefined,
  ) => Promise<void>,
  { queueReads = false, maxPollIntervalMs }: { queueReads?: boolean; maxPollIntervalMs?: number } = {},
) {
  const tables = await proxyService(
    azurite.connectionString,
    'Table',
    (req) => req.method === 'POST' && (req.url ?? '').includes('$batch'),
  );
  const queues = queueReads ? await proxyService(tables.connectionString, 'Queue', isQueueRead) : undefined;
  const store = await AzureTaskHubStore.open({
    taskHubName: uniqueHubName('pipe'),
    connectionString: (queues ?? tables).connectionString,
    clock: new RealClock(),
    leaseWaitMs: 0,
    ...(maxPollIntervalMs !== undefined ? { maxPollIntervalMs } : {}),
  });
  try {
    await test(store, tables.proxy, queues?.proxy);
  } finally {
    tables.proxy.release();
    queues?.proxy.release();
    await store.close();
    await queues?.proxy.close();
    await tables.proxy.close();
  }
}

function startMessage(instanceId: string): TaskMessage {
  const executionId = randomUUID().replace(/-/g, '');
  return {
    event: executionStarted({ name: 'Flow', instanceId, executionId }),
    orchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
  };
}

function types(events: readonly HistoryEvent[] | undefined): EventType[] {
  return (events ?? []).map((e) => e.EventType);
}

/** Checkpoints a work item as a dispatcher would: its messages' events appended to its history. */
function checkpoint(store: AzureTaskHubStore, item: OrchestrationWorkItem, executionId: string) {
  const events = [...item.history, ...item.messages.map((m) => m.message.event)];
  return store.completeOrchestrationWorkItem(item, { history: { executionId, events } });
}

async function receive(store: AzureTaskHubStore): Promise<OrchestrationWorkItem> {
  const item = await Promise.race([
    store.receiveOrchestrationWorkItem(LOCK_MS),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000)),
  ]);
  if (!item) throw new Error('no work item within 5 s');
  return item;
}

/** Starts 'flow', holds the first checkpoint's batch, and runs a second episode on top of it. */
async function twoEpisodesOverAHeldBatch(store: AzureTaskHubStore, proxy: HoldingProxy) {
  const start = startMessage('flow');
  const executionId = start.orchestrationInstance.ExecutionId ?? '';
  await store.createInstance(start, { dedupeStatuses: [] });
  const first = await receive(store);
  proxy.hold();
  const firstDone = checkpoint(store, first, executionId);
  firstDone.catch(() => undefined);
  await until('the first history batch is held', () => proxy.heldCount === 1);
  // Its instance is free, but its messages stay leased to it: renewing it still works.
  await expect(store.renewOrchestrationWorkItem(first, LOCK_MS)).resolves.toBeGreaterThan(Date.now());

  await store.sendMessage({ message: eventRaisedMessage('flow', 'Go') });
  // Handed out while the first batch is still held, with the history that batch writes.
  const second = await receive(store);
  expect(types(second.history)).toEqual([EventType.ExecutionStarted]);
  expect(types(second.messages.map((m) => m.message.event))).toEqual([EventType.EventRaised]);
  const secondDone = checkpoint(store, second, executionId);
  secondDone.catch(() => undefined);
  // The second batch is not sent before the first is answered.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(proxy.heldCount).toBe(1);
  return { first, second, firstDone, secondDone };
}

describe('azure store checkpoints in a row', () => {
  it("runs an instance's next episode while its history is written, and writes the two in order", async () => {
    await behindProxy(async (store, proxy) => {
      const { firstDone, secondDone } = await twoEpisodesOverAHeldBatch(store, proxy);
      proxy.release();
      await Promise.all([firstDone, secondDone]);
      expect(types((await store.readHistory('flow'))?.events)).toEqual([
        EventType.ExecutionStarted,
        EventType.EventRaised,
      ]);
      // Both checkpoints' messages are consumed.
      expect(await store.receiveOrchestrationWorkItem(LOCK_MS)).toBeUndefined();
    });
  });

  it('fails the checkpoint built on a history that could not be written, and delivers both again', async () => {
    await behindProxy(async (store, proxy) => {
      const { first, second, firstDone, secondDone } = await twoEpisodesOverAHeldBatch(store, proxy);
      proxy.fail(403);
      await expect(firstDone).rejects.toThrow(/403/);
      await expect(secondDone).rejects.toThrow(/403/);
      expect(await store.readHistory('flow')).toBeUndefined();
      // As the dispatcher does with a failed work item.
      await store.abandonOrchestrationWorkItem(first, 0);
      await store.abandonOrchestrationWorkItem(second, 0);
      const again = await receive(store);
      expect(again.history).toEqual([]);
      expect(types(again.messages.map((m) => m.message.event))).toEqual([
        EventType.ExecutionStarted,
        EventType.EventRaised,
      ]);
      await checkpoint(store, again, again.instance?.executionId ?? '');
      expect(types((await store.readHistory('flow'))?.events)).toEqual([
        EventType.ExecutionStarted,
        EventType.EventRaised,
      ]);
    });
  });

  it('does not write the history of a work item abandoned while the history under it was written', async () => {
    await behindProxy(async (store, proxy) => {
      const { second, firstDone, secondDone } = await twoEpisodesOverAHeldBatch(store, proxy);
      // A stop with a deadline abandons work items still running: 'Go' is given back.
      await store.abandonOrchestrationWorkItem(second, 0);
      proxy.release();
      await firstDone;
      await expect(secondDone).rejects.toBeInstanceOf(StoreConflictError);
      expect(types((await store.readHistory('flow'))?.events)).toEqual([EventType.ExecutionStarted]);
      // Delivered again, and recorded once.
      const again = await receive(store);
      expect(types(again.messages.map((m) => m.message.event))).toEqual([EventType.EventRaised]);
      await checkpoint(store, again, again.historyExecutionId ?? '');
      expect(types((await store.readHistory('flow'))?.events)).toEqual([
        EventType.ExecutionStarted,
        EventType.EventRaised,
      ]);
    });
  });

  it('reads no queue once it is closing, while the history on its way is written', async () => {
    await behindProxy(
      async (store, proxy, queueReads) => {
        const start = startMessage('flow');
        await store.createInstance(start, { dedupeStatuses: [] });
        const item = await receive(store);
        proxy.hold();
        const done = checkpoint(store, item, start.orchestrationInstance.ExecutionId ?? '');
        await until('the history batch is held', () => proxy.heldCount === 1);
        // Every queue's next read is held first, so none is on its way when the store closes (one
        // sent just before would reach the proxy after it and count as a read after the close).
        queueReads?.hold();
        await until('every queue has a read held', () => queueReads?.heldCount === QUEUES);
        const closing = store.close();
        // The held reads end (empty); any read from here on is held (counted) by the queue proxy.
        queueReads?.release();
        queueReads?.hold();
        // A second close (a cleanup after a stop) waits for the first, which waits for the batch.
        let closedAgain = false;
        const again = store.close().then(() => (closedAgain = true));
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(queueReads?.heldCount).toBe(0);
        expect(closedAgain).toBe(false);
        proxy.release();
        await done;
        await closing;
        await again;
      },
      // Read all the time while open.
      { queueReads: true, maxPollIntervalMs: 100 },
    );
  });
});
