import { randomUUID } from 'node:crypto';
import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { CosmosClient, type Database } from '@azure/cosmos';
import { type Containers, containersOf } from '../../../../src/data/dataStore';
import { type EtagRetryPolicy } from '../../../../src/data/etagRetry';
import { type Repositories, repositoriesFor } from '../../../../src/data/repositories';
import { seedDatabase } from '../../../../src/data/seed';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createHttpServer } = require('@vercel/cosmosdb-server') as {
  createHttpServer: () => Server;
};

export const EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface TestCosmos {
  endpoint: string;
  client: CosmosClient;
  database: Database;
  containers: Containers;
  repositories(options?: { etagPolicy?: EtagRetryPolicy; gatewayLatencyMs?: number }): Repositories;
  close(): Promise<void>;
}

/** An in-process Cosmos server on a free port, with a unique, seeded database. */
export async function startTestCosmos(): Promise<TestCosmos> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new CosmosClient({
    endpoint,
    key: EMULATOR_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const databaseId = `test-${randomUUID()}`;
  await seedDatabase(client, databaseId);
  const database = client.database(databaseId);
  const containers = containersOf(database);
  return {
    endpoint,
    client,
    database,
    containers,
    repositories: (options) => repositoriesFor(containers, options),
    close: async () => {
      client.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
