import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { TableClient } from '@azure/data-tables';
import { PortTakenError, UnreachableEndpointError } from '../../../devhost/src/emulators/errors';
import { probePort } from '../../../devhost/src/emulators/probe';
import { defaultStateDir, isAlive, readRunRecord } from '../../../devhost/src/emulators/runState';
import { startEmulators, type Emulators } from '../../../devhost/src/emulators/startEmulators';
import { emulatorStatus, stopEmulators } from '../../../devhost/src/emulators/stopEmulators';
import { freePort, freeStackPorts, holdPort } from '../../../devhost/src/emulators/testing';
import { until } from '../../support/until';

const hook = path.resolve(__dirname, '../../../devhost/src/emulators/tsRequireHook.js');

function cosmosClient(endpoint: string, key: string): CosmosClient {
  return new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
}

describe('startEmulators', () => {
  let appDir: string;
  const toStop: Emulators[] = [];

  beforeEach(async () => {
    appDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-app-'));
  });
  afterEach(async () => {
    for (const emulators of toStop.splice(0)) await emulators.stop();
    await stopEmulators(appDir);
    await fs.rm(appDir, { recursive: true, force: true });
  });

  it('starts Azurite and Cosmos, records them, points the app at them, and a second start reuses them', async () => {
    const p = await freeStackPorts();
    const first = await startEmulators({
      appDir,
      emulators: ['azurite', 'cosmos'],
      ports: p,
      settings: {
        AzureWebJobsStorage: 'UseDevelopmentStorage=true',
        COSMOS_ENDPOINT: 'http://127.0.0.1:8081',
      },
      detached: false,
      supervise: false,
    });
    toStop.push(first);
    expect(first.azurite).toMatchObject({ started: true, external: false });
    expect(first.cosmos).toMatchObject({ started: true, endpoint: `http://127.0.0.1:${p.cosmos}` });
    expect(first.appSettings.COSMOS_ENDPOINT).toBe(`http://127.0.0.1:${p.cosmos}`);
    expect(first.appSettings.AzureWebJobsStorage).toContain(
      `BlobEndpoint=http://127.0.0.1:${p.blob}/devstoreaccount1`,
    );
    expect(readRunRecord(defaultStateDir(appDir), 'cosmos')).toMatchObject({
      pid: first.cosmos?.pid,
      dataDir: path.join(appDir, '.devhost', 'cosmos'),
    });

    const table = TableClient.fromConnectionString(first.appSettings.AzureWebJobsStorage ?? '', 'probe', {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: 'p', rowKey: 'r', value: 1 });

    const second = await startEmulators({
      appDir,
      emulators: ['azurite', 'cosmos'],
      ports: p,
      settings: {},
      supervise: false,
    });
    expect(second.azurite).toMatchObject({ started: false, pid: first.azurite?.pid });
    expect(second.cosmos).toMatchObject({ started: false, pid: first.cosmos?.pid });
    await second.stop();
    expect(isAlive(first.cosmos?.pid ?? 0)).toBe(true);
    await expect(table.getEntity('p', 'r')).resolves.toMatchObject({ value: 1 });
  });

  it('names the port, its holder and the flag to use when a port is held by another program', async () => {
    const holder = await holdPort((socket) => socket.end());
    const taken = holder.port;
    try {
      const attempt = startEmulators({
        appDir,
        emulators: ['cosmos'],
        ports: { cosmos: taken },
        settings: {},
        supervise: false,
      });
      await expect(attempt).rejects.toBeInstanceOf(PortTakenError);
      await expect(attempt).rejects.toThrow(
        new RegExp(`port ${taken}.*--cosmos-port <n>.*DEVHOST_COSMOS_PORT`),
      );
      expect(readRunRecord(defaultStateDir(appDir), 'cosmos')).toBeUndefined();
    } finally {
      await holder.close();
    }
  });

  it('does not reuse a Cosmos server that serves other data, and says how to get past it', async () => {
    const port = await freePort();
    const inMemory = await startEmulators({
      appDir,
      emulators: ['cosmos'],
      ports: { cosmos: port },
      inMemory: true,
      settings: {},
      detached: false,
      supervise: false,
    });
    toStop.push(inMemory);
    const attempt = startEmulators({
      appDir,
      emulators: ['cosmos'],
      ports: { cosmos: port },
      settings: {},
      supervise: false,
    });
    await expect(attempt).rejects.toThrow(/with data in memory, not .*\.devhost\/cosmos.*--cosmos-port <n>/s);
  });

  it('does not start Cosmos when COSMOS_ENDPOINT points elsewhere, and says so when it does not answer', async () => {
    const closed = await freePort();
    const attempt = startEmulators({
      appDir,
      emulators: ['cosmos'],
      settings: { COSMOS_ENDPOINT: `https://localhost:${closed}/` },
      supervise: false,
    });
    await expect(attempt).rejects.toBeInstanceOf(UnreachableEndpointError);
    await expect(attempt).rejects.toThrow(
      /COSMOS_ENDPOINT is https:\/\/localhost:\d+\/, which does not answer/,
    );
    expect(emulatorStatus(appDir).every((s) => !s.running)).toBe(true);
  });

  it('leaves storage to a configured account: no Azurite, no override, and a clear message when it does not answer', async () => {
    const listener = await holdPort((socket) => socket.end());
    const open = listener.port;
    const account = (port: number): string =>
      `DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:${port}/acct;`;
    try {
      const external = await startEmulators({
        appDir,
        emulators: ['azurite'],
        settings: { AzureWebJobsStorage: account(open) },
        supervise: false,
      });
      expect(external.azurite).toMatchObject({ external: true, started: false });
      expect(external.appSettings).toEqual({});
      expect(readRunRecord(defaultStateDir(appDir), 'azurite')).toBeUndefined();
    } finally {
      await listener.close();
    }
    const closed = await freePort();
    await expect(
      startEmulators({
        appDir,
        emulators: ['azurite'],
        settings: { AzureWebJobsStorage: account(closed) },
        supervise: false,
      }),
    ).rejects.toThrow(
      new RegExp(`AzureWebJobsStorage is http://127.0.0.1:${closed}/acct, which does not answer`),
    );
  });

  it('keeps the emulators running after a kill -9 of the devhost that started them, and the next start reuses them', async () => {
    const p = await freeStackPorts();
    const parent = spawn(
      process.execPath,
      [
        '-r',
        hook,
        path.join(__dirname, 'fixtures', 'devhostLikeParent.ts'),
        appDir,
        ...[p.blob, p.queue, p.table, p.cosmos].map(String),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const pids = await new Promise<{ azurite: number; cosmos: number }>((resolve, reject) => {
      let out = '';
      let err = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(JSON.parse(out) as { azurite: number; cosmos: number });
      });
      parent.stderr.on('data', (d: Buffer) => (err += d.toString()));
      parent.once('exit', (code) => reject(new Error(`parent exited with ${code}: ${err}`)));
    });
    parent.kill('SIGKILL');
    await new Promise((resolve) => parent.once('exit', resolve));

    expect(isAlive(pids.azurite)).toBe(true);
    expect(await probePort('127.0.0.1', p.cosmos)).toMatchObject({
      kind: 'devhost-cosmos',
      identity: { pid: pids.cosmos },
    });

    const next = await startEmulators({
      appDir,
      emulators: ['azurite', 'cosmos'],
      ports: p,
      inMemory: true,
      settings: {},
      supervise: false,
    });
    expect(next.azurite).toMatchObject({ started: false, pid: pids.azurite });
    expect(next.cosmos).toMatchObject({ started: false, pid: pids.cosmos });

    const lines = await stopEmulators(appDir);
    expect(lines.join('\n')).toMatch(/azurite: stopped/);
    expect(isAlive(pids.azurite)).toBe(false);
    expect(isAlive(pids.cosmos)).toBe(false);
  });

  it('loses no acknowledged Cosmos write when the Cosmos process itself is killed with kill -9', async () => {
    const p = await freeStackPorts();
    const options = {
      appDir,
      emulators: ['cosmos'] as const,
      ports: p,
      settings: {},
      detached: false,
      supervise: false,
    };
    const first = await startEmulators(options);
    const client = cosmosClient(first.cosmos?.endpoint ?? '', first.cosmos?.key ?? '');
    const { database } = await client.databases.createIfNotExists({ id: 'shop' });
    const { container } = await database.containers.createIfNotExists({ id: 'orders', partitionKey: '/id' });
    const written = await Promise.all(
      Array.from({ length: 25 }, (_, i) => container.items.create({ id: `o${i}`, n: i })),
    );
    process.kill(first.cosmos?.pid ?? 0, 'SIGKILL');
    while (isAlive(first.cosmos?.pid ?? 0)) await new Promise((r) => setImmediate(r));

    const second = await startEmulators(options);
    toStop.push(second);
    expect(second.cosmos?.started).toBe(true);
    const { resources } = await cosmosClient(second.cosmos?.endpoint ?? '', second.cosmos?.key ?? '')
      .database('shop')
      .container('orders')
      .items.readAll()
      .fetchAll();
    expect(resources.map((r) => String(r._etag)).sort()).toEqual(
      written.map((w) => w.resource?._etag).sort(),
    );
  });
});

describe('startEmulators supervision', () => {
  /** A Cosmos server started and supervised (every 50 ms) for `appDir`; its log lines; stopped after. */
  async function withSupervisedCosmos(
    run: (emulators: Emulators, lines: string[], appDir: string) => Promise<void>,
  ): Promise<void> {
    const appDir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-app-'));
    const lines: string[] = [];
    const emulators = await startEmulators({
      appDir,
      emulators: ['cosmos'],
      ports: { cosmos: await freePort() },
      settings: {},
      detached: false,
      superviseIntervalMs: 50,
      log: (line) => lines.push(line),
    });
    try {
      await run(emulators, lines, appDir);
    } finally {
      await emulators.stop();
      await stopEmulators(appDir);
      await fs.rm(appDir, { recursive: true, force: true });
    }
  }

  it('starts the Cosmos server again, with its data, when it dies while devhost runs', async () => {
    await withSupervisedCosmos(async (emulators, lines) => {
      const client = cosmosClient(emulators.cosmos?.endpoint ?? '', emulators.cosmos?.key ?? '');
      const { database } = await client.databases.createIfNotExists({ id: 'shop' });
      const { container } = await database.containers.createIfNotExists({
        id: 'orders',
        partitionKey: '/id',
      });
      await container.items.create({ id: 'kept' });
      const firstPid = emulators.cosmos?.pid ?? 0;
      process.kill(firstPid, 'SIGKILL');
      await until('the Cosmos server is started again', () => emulators.cosmos?.pid !== firstPid, {
        timeoutMs: 20_000,
        everyMs: 25,
      });
      expect(emulators.cosmos?.pid).not.toBe(firstPid);
      expect(lines.join('\n')).toMatch(/Cosmos \(pid \d+\) exited unexpectedly; starting it again/);
      const { resource } = await container.item('kept', 'kept').read();
      expect(resource?.id).toBe('kept');
    });
  });

  it('leaves stopped an emulator that `devhost emulators stop` stopped while devhost runs', async () => {
    await withSupervisedCosmos(async (emulators, lines, appDir) => {
      const pid = emulators.cosmos?.pid ?? 0;
      expect(await stopEmulators(appDir)).toContainEqual(expect.stringMatching(/^cosmos: (stopped|killed)/));
      await until('devhost says it was stopped', () => lines.some((line) => line.includes('was stopped')), {
        everyMs: 25,
      });
      expect(lines.join('\n')).toMatch(
        /Cosmos \(pid \d+\) was stopped \(`devhost emulators stop`\); not starting it again/,
      );
      // Several supervision rounds later it is still stopped, and not started again.
      await new Promise((r) => setTimeout(r, 300));
      expect(emulators.cosmos?.pid).toBe(pid);
      expect(isAlive(pid)).toBe(false);
      expect(lines.join('\n')).not.toMatch(/exited unexpectedly/);
      expect(emulatorStatus(appDir).find((e) => e.emulator === 'cosmos')?.running).toBe(false);
    });
  });
});
