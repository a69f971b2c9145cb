import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { QueueClient } from '@azure/storage-queue';
import { TableClient } from '@azure/data-tables';
import { stopTestEmulators, testAzurite, testEmulators } from '../../../devhost/src/emulators/testing';

describe('test emulators', () => {
  afterAll(stopTestEmulators);

  it('give a jest worker in-memory Azurite and a Cosmos server that real SDK clients can use', async () => {
    const { azurite, cosmos } = await testEmulators();
    const queue = new QueueClient(azurite.connectionString, `q${Date.now()}`);
    await queue.create();
    await queue.sendMessage('hello');
    const { receivedMessageItems } = await queue.receiveMessages();
    expect(receivedMessageItems.map((m) => m.messageText)).toEqual(['hello']);
    const table = TableClient.fromConnectionString(azurite.connectionString, `t${Date.now()}`, {
      allowInsecureConnection: true,
    });
    await table.createTable();

    const { database } = await new CosmosClient(cosmos.clientOptions).databases.createIfNotExists({
      id: 'testing',
    });
    const { container } = await database.containers.createIfNotExists({ id: 'c', partitionKey: '/id' });
    await expect(container.items.create({ id: 'x' })).resolves.toMatchObject({ statusCode: 201 });
  });

  it('reuse the worker Azurite across calls and record it for the next test file of the worker', async () => {
    const first = await testAzurite();
    expect(await testAzurite()).toEqual(first);
    const record = JSON.parse(
      fs.readFileSync(path.join(os.tmpdir(), `devhost-test-azurite-${process.pid}.json`), 'utf8'),
    ) as { ports: unknown };
    expect(record.ports).toEqual(first.ports);
  });
});
