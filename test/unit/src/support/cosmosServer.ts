import { randomUUID } from 'node:crypto';
import { CosmosClient, type Database } from '@azure/cosmos';
import { stopTestEmulators, testCosmos } from '../../../../devhost/src/emulators/testing';
import { type Containers, containersOf } from '../../../../src/data/dataStore';
import { type EtagRetryPolicy } from '../../../../src/data/etagRetry';
import { type Repositories, repositoriesFor } from '../../../../src/data/repositories';
import { seedDatabase } from '../../../../src/data/seed';

export interface TestCosmos {
  endpoint: string;
  /** The emulator's well-known key (`COSMOS_EMULATOR_KEY`), for `COSMOS_KEY`. */
  key: string;
  client: CosmosClient;
  database: Database;
  containers: Containers;
  repositories(options?: { etagPolicy?: EtagRetryPolicy; gatewayLatencyMs?: number }): Repositories;
  /** Disposes the client and closes this test file's Cosmos server. */
  close(): Promise<void>;
}

/**
 * The app's data on the Cosmos server devhost runs (`testCosmos()`, one per test file), in a unique,
 * seeded database, so tests exercise the server `npm start` uses.
 */
export async function startTestCosmos(): Promise<TestCosmos> {
  const cosmos = await testCosmos();
  const client = new CosmosClient(cosmos.clientOptions);
  const databaseId = `test-${randomUUID()}`;
  await seedDatabase(client, databaseId);
  const database = client.database(databaseId);
  const containers = containersOf(database);
  return {
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    client,
    database,
    containers,
    repositories: (options) => repositoriesFor(containers, options),
    close: async () => {
      client.dispose();
      await stopTestEmulators();
    },
  };
}
