/**
 * Real emulators for jest tests, on free ports, in memory.
 *
 *   const { azurite, cosmos } = await testEmulators();
 *   new CosmosClient(cosmos.clientOptions);            // or cosmos.endpoint / cosmos.key
 *   TableClient.fromConnectionString(azurite.connectionString, 't', { allowInsecureConnection: true });
 *   afterAll(stopTestEmulators);
 *
 * Azurite: one per jest worker, a child process shared by all test files that worker runs (it starts
 * in about a second) and tied to the worker, so it exits with it. Cosmos: one in-process server per
 * test file (it starts in milliseconds). Both are shared, so use unique names (queues, tables,
 * containers, ids) in every test.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AzuritePorts } from './azurite';
import { azuriteConnectionString } from './azurite';
import { startCosmosServer, type CosmosServer } from './cosmos/server';
import { COSMOS_EMULATOR_KEY, DEFAULT_HOST } from './defaults';
import { isServing } from './ensure';
import { isAlive } from './runState';
import { azuriteSpec, startEmulators } from './startEmulators';

export interface TestAzurite {
  host: string;
  ports: AzuritePorts;
  /** Explicit connection string (http, the well-known development account). */
  connectionString: string;
}

export interface TestCosmos {
  endpoint: string;
  key: string;
  /** Ready for `new CosmosClient(...)`: endpoint discovery off, as needed against this server. */
  clientOptions: { endpoint: string; key: string; connectionPolicy: { enableEndpointDiscovery: false } };
}

export function freePort(host = DEFAULT_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

interface WorkerRecord {
  pid: number;
  appDir: string;
  ports: AzuritePorts;
}

// Test files run in separate module registries, so the worker's Azurite is found through a file
// named after the worker process.
function workerRecordPath(): string {
  return path.join(os.tmpdir(), `devhost-test-azurite-${process.pid}.json`);
}

async function reuseWorkerAzurite(): Promise<TestAzurite | undefined> {
  let record: WorkerRecord;
  try {
    record = JSON.parse(fs.readFileSync(workerRecordPath(), 'utf8')) as WorkerRecord;
  } catch {
    return undefined;
  }
  if (!isAlive(record.pid)) return undefined;
  if (!(await isServing(azuriteSpec(record.appDir, DEFAULT_HOST, record.ports, true)))) return undefined;
  return {
    host: DEFAULT_HOST,
    ports: record.ports,
    connectionString: azuriteConnectionString(DEFAULT_HOST, record.ports),
  };
}

/** Removes what earlier, finished jest workers left behind (their record and log folder). */
function sweepFinishedWorkers(): void {
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^devhost-test-azurite-(\d+)\.json$/.exec(name);
    if (!match || isAlive(Number(match[1]))) continue;
    const file = path.join(os.tmpdir(), name);
    try {
      const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<WorkerRecord>;
      if (record.appDir?.startsWith(path.join(os.tmpdir(), 'devhost-test-'))) {
        fs.rmSync(record.appDir, { recursive: true, force: true });
      }
      fs.rmSync(file, { force: true });
    } catch {
      // Another worker may be sweeping the same file.
    }
  }
}

async function startWorkerAzurite(): Promise<TestAzurite> {
  const reused = await reuseWorkerAzurite();
  if (reused) return reused;
  sweepFinishedWorkers();
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devhost-test-'));
  const ports = { blob: await freePort(), queue: await freePort(), table: await freePort() };
  const emulators = await startEmulators({
    appDir,
    emulators: ['azurite'],
    ports,
    inMemory: true,
    detached: false,
    supervise: false,
    settings: {},
  });
  const pid = emulators.azurite?.pid;
  if (pid !== undefined) {
    const record: WorkerRecord = { pid, appDir, ports };
    fs.writeFileSync(workerRecordPath(), JSON.stringify(record));
  }
  return { host: DEFAULT_HOST, ports, connectionString: azuriteConnectionString(DEFAULT_HOST, ports) };
}

let azurite: Promise<TestAzurite> | undefined;
let cosmos: Promise<CosmosServer> | undefined;

/** In-memory Azurite for this jest worker. */
export function testAzurite(): Promise<TestAzurite> {
  azurite ??= startWorkerAzurite().catch((err: unknown) => {
    azurite = undefined;
    throw err;
  });
  return azurite;
}

/** In-memory Cosmos server for this test file. */
export async function testCosmos(): Promise<TestCosmos> {
  cosmos ??= startCosmosServer({ port: 0 });
  const server = await cosmos;
  return {
    endpoint: server.endpoint,
    key: COSMOS_EMULATOR_KEY,
    clientOptions: {
      endpoint: server.endpoint,
      key: COSMOS_EMULATOR_KEY,
      connectionPolicy: { enableEndpointDiscovery: false },
    },
  };
}

export async function testEmulators(): Promise<{ azurite: TestAzurite; cosmos: TestCosmos }> {
  const [a, c] = await Promise.all([testAzurite(), testCosmos()]);
  return { azurite: a, cosmos: c };
}

/** Closes this file's Cosmos server; the worker's Azurite stays for the next file and exits with the worker. */
export async function stopTestEmulators(): Promise<void> {
  const server = cosmos;
  cosmos = undefined;
  if (server) await (await server).close();
}
