/**
 * The bare signed queue calls against Azurite, checked with the storage SDK: what they send is what
 * the SDK reads, a delete removes the message, and a wrong key or a stale pop receipt is refused
 * with the service's status.
 */
import { QueueServiceClient } from '@azure/storage-queue';
import { LeanQueueCalls, type QueueCallError } from '../../../devhost/src/store/azure/leanQueueCalls';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';

let azurite: TestAzurite;

beforeAll(async () => {
  azurite = await startTestAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

async function newQueue() {
  const queue = QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(
    uniqueHubName('lean').toLowerCase(),
  );
  await queue.create();
  return queue;
}

describe('lean queue calls', () => {
  it('sends a message the SDK reads back as sent, and deletes it with its pop receipt', async () => {
    const queue = await newQueue();
    const lean = LeanQueueCalls.fromConnectionString(azurite.connectionString);
    if (!lean) throw new Error('the test connection string carries a key');
    try {
      const text = Buffer.from('{"a":"<b> & \'c\'"}').toString('base64');
      const sent = await lean.send(queue.url, text, 0);
      const received = await queue.receiveMessages({ numberOfMessages: 1 });
      expect(received.receivedMessageItems.map((m) => [m.messageId, m.messageText])).toEqual([
        [sent.messageId, text],
      ]);
      const item = received.receivedMessageItems[0];
      if (!item) throw new Error('no message');
      await expect(lean.delete(queue.url, item.messageId, sent.popReceipt)).rejects.toMatchObject({
        statusCode: 400,
      });
      await lean.delete(queue.url, item.messageId, item.popReceipt);
      expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
      await expect(lean.delete(queue.url, item.messageId, item.popReceipt)).rejects.toMatchObject({
        statusCode: 404,
      });
    } finally {
      lean.close();
    }
  });

  it('is refused with 403 when signed with another key', async () => {
    const queue = await newQueue();
    const wrongKey = Buffer.alloc(64, 7).toString('base64');
    const connection = azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`);
    const lean = LeanQueueCalls.fromConnectionString(connection);
    if (!lean) throw new Error('the connection string carries a key');
    try {
      const refused = await lean.send(queue.url, 'eA==', 0).catch((error: QueueCallError) => error);
      expect(refused).toMatchObject({ statusCode: 403 });
    } finally {
      lean.close();
    }
  });

  it('is not used for a connection string without an account key', () => {
    expect(
      LeanQueueCalls.fromConnectionString(
        'QueueEndpoint=https://acct.queue.core.windows.net;SharedAccessSignature=sv=x',
      ),
    ).toBeUndefined();
  });
});
