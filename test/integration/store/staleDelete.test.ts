/**
 * A consumed message whose delete finds its pop receipt stale (its hiding lapsed and a read took
 * it again while the delete was on its way) is still in its queue. It must not come back as new
 * work, and it must be deleted with the receipt that read brings.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { HeldMessages } from '../../../devhost/src/store/azure/heldMessages';
import { LargeBlobs } from '../../../devhost/src/store/azure/largeBlobs';
import { StorageCalls } from '../../../devhost/src/store/azure/storageCalls';
import { TaskHubQueue } from '../../../devhost/src/store/azure/taskHubQueue';
import { eventRaisedMessage } from '../../support/durableEvents';
import { until } from '../../support/until';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';

let azurite: TestAzurite;
const VISIBILITY_MS = 1_000;

beforeAll(async () => {
  azurite = await startTestAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

interface Hub {
  control: QueueClient;
  controlQueue: TaskHubQueue;
  calls: StorageCalls;
  held: HeldMessages;
  warnings: string[];
  close(): Promise<void>;
}

async function openHub(name: string, calls = new StorageCalls()): Promise<Hub> {
  const hub = uniqueHubName(name).toLowerCase();
  const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  const control = queues.getQueueClient(`${hub}-control-00`);
  const work = queues.getQueueClient(`${hub}-workitems`);
  await Promise.all([control.create(), work.create()]);
  const blobs = new LargeBlobs(
    BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      `${hub}-largemessages`,
    ),
  );
  const warnings: string[] = [];
  const controlQueue = new TaskHubQueue(control, blobs, calls);
  const held = new HeldMessages({
    clock: new RealClock(),
    controlQueues: [controlQueue],
    workItems: new TaskHubQueue(work, blobs, calls),
    visibilityMs: VISIBILITY_MS,
    // The reader reads when told to (`soon`), not on its own in the middle of the test.
    maxPollMs: 600_000,
    bufferThreshold: 32,
    log: (level, message) => warnings.push(`${level}: ${message}`),
    onUnreadable: () => Promise.resolve(),
  });
  return {
    control,
    controlQueue,
    calls,
    held,
    warnings,
    close: async () => {
      await held.close();
      await Promise.all([control.delete(), work.delete()]);
    },
  };
}

test('a delete with a stale pop receipt keeps the message held and deletes it when a read brings the new one', async () => {
  const { control, controlQueue, held, warnings, close } = await openHub('stale');
  try {
    const sent = await held.send({ message: eventRaisedMessage('stale-1', 'Go') });
    sent.publish();
    const [message] = held.table.messagesOf('stale-1');
    expect(message).toBeDefined();

    // Consumed, and its delete is late: meanwhile its hiding lapses and a read takes it again.
    await new Promise((resolve) => setTimeout(resolve, VISIBILITY_MS + 200));
    const { receivedMessageItems } = await control.receiveMessages({
      numberOfMessages: 1,
      visibilityTimeout: 1,
    });
    expect(receivedMessageItems[0]?.messageId).toBe(message!.messageId);
    await held.delete(message!);

    // Still in its queue: held, marked for another delete, not deliverable.
    expect(held.table.controlMessage(message!.messageId) === message).toBe(true);
    expect(message!.redelete === message).toBe(true);
    expect(held.table.held()).toEqual([]);

    // Once its hiding lapses the reader returns it; it is deleted, never delivered again.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    held.reader.soon(controlQueue);
    await until(
      'the queue is empty',
      async () => (await control.getProperties()).approximateMessagesCount === 0,
      { timeoutMs: 15_000, everyMs: 50 },
    );
    await until(
      'the table lets go of it',
      () => held.table.controlMessage(message!.messageId) === undefined,
      { timeoutMs: 15_000, everyMs: 50 },
    );
    expect(held.table.messagesOf('stale-1')).toEqual([]);
    expect(warnings).toEqual([]);
  } finally {
    await close();
  }
});

test('a delete that waits for a free slot goes out with the pop receipt a read brought meanwhile', async () => {
  // One call at a time, so the delete waits behind a call the test holds open.
  const { control, calls, held, warnings, close } = await openHub('late', new StorageCalls(1));
  try {
    const sent = await held.send({ message: eventRaisedMessage('late-1', 'Go') });
    sent.publish();
    const [message] = held.table.messagesOf('late-1');
    await new Promise((resolve) => setTimeout(resolve, VISIBILITY_MS + 200));

    let open!: () => void;
    const blocker = calls.limit('write', () => new Promise<void>((resolve) => (open = resolve)));
    const queueCallsBefore = calls.counts.queue;
    const deleting = held.delete(message!);
    // While the delete waits, its hiding has lapsed and a read takes the message again; the
    // reader records the new receipt on the held message (as `QueueReader.adopt` does).
    const { receivedMessageItems } = await control.receiveMessages({ numberOfMessages: 1 });
    expect(receivedMessageItems[0]?.messageId).toBe(message!.messageId);
    message!.popReceipt = receivedMessageItems[0]!.popReceipt;
    open();
    await blocker;
    await deleting;

    // One delete call, with the new receipt: the message is gone from its queue and the table.
    expect(calls.counts.queue - queueCallsBefore).toBe(1);
    expect((await control.getProperties()).approximateMessagesCount).toBe(0);
    expect(held.table.controlMessage(message!.messageId)).toBeUndefined();
    expect(warnings).toEqual([]);
  } finally {
    await close();
  }
});
