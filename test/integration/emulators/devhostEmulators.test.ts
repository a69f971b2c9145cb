import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { COSMOS_EMULATOR_KEY } from '../../../devhost/src/emulators/defaults';
import { isAlive } from '../../../devhost/src/emulators/runState';
import { freePort, holdPort } from '../../../devhost/src/emulators/testing';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { startDevhost } from '../../../devhost/src/startDevhost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';

const app = path.resolve(__dirname, '../../fixtures/http-app');

describe('devhost start --emulators', () => {
  it('starts Cosmos before the app, points the app at it, shows outbox documents, and stops it on exit when asked', async () => {
    const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-state-'));
    const port = await freePort();
    // The app's settings live in the real process.env, not jest's copy.
    const env = nativeProcess().env;
    const before = env.COSMOS_ENDPOINT;
    const logger = createMemoryLogger();
    const host = await startDevhost({
      appDir: app,
      stateDir,
      port: 0,
      banner: false,
      logger,
      emulators: ['cosmos'],
      localStack: {
        ports: { cosmos: String(port) },
        inMemory: true,
        stopOnExit: true,
        outboxDatabase: 'notify',
      },
    });
    let pid = 0;
    try {
      expect(env.COSMOS_ENDPOINT).toBe(`http://127.0.0.1:${port}`);
      expect(env.COSMOS_KEY).toBe(COSMOS_EMULATOR_KEY);
      const client = new CosmosClient({
        endpoint: env.COSMOS_ENDPOINT ?? '',
        key: COSMOS_EMULATOR_KEY,
        connectionPolicy: { enableEndpointDiscovery: false },
      });
      const { database } = await client.databases.createIfNotExists({ id: 'notify' });
      const { container } = await database.containers.createIfNotExists({
        id: 'outbox',
        partitionKey: '/id',
      });
      await container.items.create({
        id: 'a1',
        type: 'approvalRequested',
        link: `${host.url}/api/approve/a1`,
      });

      const res = await fetch(`${host.url}/_devhost/outbox`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        count: 1,
        documents: [{ id: 'a1', links: [`${host.url}/api/approve/a1`] }],
      });
      const record = JSON.parse(await fs.readFile(path.join(stateDir, 'run', 'cosmos.json'), 'utf8')) as {
        pid: number;
      };
      pid = record.pid;
      expect(isAlive(pid)).toBe(true);
    } finally {
      await host.stop();
      await fs.rm(stateDir, { recursive: true, force: true });
    }
    expect(isAlive(pid)).toBe(false);
    expect(env.COSMOS_ENDPOINT).toBe(before);
  });

  it('fails with one clear message when an emulator port is taken, before loading the app', async () => {
    const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-state-'));
    const holder = await holdPort((socket) => socket.end());
    const taken = holder.port;
    try {
      await expect(
        startDevhost({
          appDir: app,
          stateDir,
          port: 0,
          banner: false,
          logger: createMemoryLogger(),
          emulators: ['cosmos'],
          localStack: { ports: { cosmos: String(taken) } },
        }),
      ).rejects.toThrow(`Cosmos (cosmos) cannot use port ${taken}`);
    } finally {
      await holder.close();
      await fs.rm(stateDir, { recursive: true, force: true });
    }
  });
});
