import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { COSMOS_EMULATOR_KEY } from '../../../devhost/src/emulators/defaults';
import { startCosmosServer, type CosmosServer } from '../../../devhost/src/emulators/cosmos/server';
import { seedDatabase } from '../../../src/data/seed';
import { startAppDevhost, type AppDevhost } from '../../support/appDevhost';
import { uniqueId } from '../../support/ids';
import { orderRequest } from '../../support/orders';

const DATABASE = 'outage';

/**
 * The app on devhost with its data on a Cosmos server of its own, journalled on disk, that the
 * test stops and starts again on the same port: what a client sees while Cosmos is down, and that
 * the same request succeeds once it is back.
 */
describe('a start while Cosmos DB is down', () => {
  let dataDir: string;
  let cosmos: CosmosServer;
  let app: AppDevhost;

  beforeAll(async () => {
    dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'cosmos-outage-'));
    cosmos = await startCosmosServer({ port: 0, dataDir });
    const client = new CosmosClient({
      endpoint: cosmos.endpoint,
      key: COSMOS_EMULATOR_KEY,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    await seedDatabase(client, DATABASE);
    client.dispose();
    app = await startAppDevhost('cosmos-outage-', {
      cosmosEndpoint: () => cosmos.endpoint,
      settings: { COSMOS_DATABASE: DATABASE },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await cosmos?.close();
    await fs.promises.rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After and the error body, starts nothing, and the same request succeeds once Cosmos is back', async () => {
    const id = uniqueId('outage');
    const port = cosmos.port;
    await cosmos.close();

    const refused = await fetch(`${app.host.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-functions-key': app.masterKey },
      body: JSON.stringify(orderRequest(id)),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toEqual({
      error: {
        code: 'DataStoreUnavailable',
        message: 'The data store (Cosmos DB) is not reachable (ECONNREFUSED). Retry after 5 s',
        issues: [],
      },
    });
    expect(await app.durable.engine!.operations.getStatus(`order-${id}`)).toBeUndefined();

    cosmos = await startCosmosServer({ port, dataDir });
    const retried = await app.http('POST', '/api/orders', { body: orderRequest(id) });
    expect(retried.status).toBe(202);
    const done = await app.settled(retried.body.statusQueryGetUri as string);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { status: 'Completed', orderId: id } });
  });
});
