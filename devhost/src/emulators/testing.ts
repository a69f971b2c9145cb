/**
 * Real emulators for jest tests, on ports they pick themselves, in memory.
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
import { azuriteArgs, azuriteConnectionString, resolveAzuriteEntry, type AzuritePorts } from './azurite';
import type { CosmosServer } from './cosmos/server';
import { ensureCosmosServerPackage } from './cosmosProcess';
import { COSMOS_EMULATOR_KEY, DEFAULT_HOST } from './defaults';
import { isServing } from './ensure';
import { EmulatorStartError } from './errors';
import { spawnNode, waitUntilReady } from './processes';
import { isAlive } from './runState';
import { azuriteSpec } from './startEmulators';

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

/**
 * A port that was free a moment ago. Racy by nature (another process may take it before it is used):
 * only for tests that must name a port up front, such as a start on fixed ports or an endpoint that
 * must not answer. Servers a test starts itself should listen on port 0 instead.
 */
export async function freePort(host = DEFAULT_HOST): Promise<number> {
  const [port] = await freePorts(1, host);
  return port as number;
}

/**
 * `count` different ports that were free a moment ago (as `freePort`, racy against other processes).
 * Each is held until all are picked: ports picked one after the other may repeat (the kernel may
 * hand out a port again as soon as its listener closes), and two services then collide.
 */
export async function freePorts(count: number, host = DEFAULT_HOST): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, resolve);
      });
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** Free ports for the whole local stack (Azurite's three services and Cosmos), all different. */
export async function freeStackPorts(host = DEFAULT_HOST): Promise<AzuritePorts & { cosmos: number }> {
  const [blob, queue, table, cosmos] = (await freePorts(4, host)) as [number, number, number, number];
  return { blob, queue, table, cosmos };
}

export interface HeldPort {
  port: number;
  close(): Promise<void>;
}

/** Holds a port with a listener of this process until `close()`, for tests of a port that is taken. */
export async function holdPort(
  onConnection: (socket: net.Socket) => void = () => undefined,
  host = DEFAULT_HOST,
): Promise<HeldPort> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    // Probes may leave half-closed connections open; closing must not wait for their clients.
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at \S+:(\d+)/g;

/** The ports Azurite reports in its output once all three services listen; undefined before. */
export function listeningPorts(output: string): AzuritePorts | undefined {
  const found: Partial<Record<string, number>> = {};
  for (const match of output.matchAll(LISTENING)) found[match[1]!.toLowerCase()] = Number(match[2]);
  const { blob, queue, table } = found;
  return blob && queue && table ? { blob, queue, table } : undefined;
}

/**
 * Azurite on ports it picks itself (port 0), read back from its output: probing free ports first and
 * passing them on races with every other jest worker doing the same.
 */
async function spawnAzuriteOnAnyPorts(
  appDir: string,
): Promise<{ pid: number | undefined; ports: AzuritePorts }> {
  const logFile = path.join(appDir, 'logs', 'azurite.log');
  const child = spawnNode({
    command: {
      execArgv: [],
      entry: resolveAzuriteEntry(),
      args: azuriteArgs({
        host: DEFAULT_HOST,
        ports: { blob: 0, queue: 0, table: 0 },
        location: appDir,
        inMemory: true,
      }),
    },
    logFile,
    cwd: appDir,
    detached: false,
  });
  let ports: AzuritePorts | undefined;
  const state = await waitUntilReady(
    child,
    () => {
      ports = listeningPorts(readText(logFile));
      return Promise.resolve(ports !== undefined);
    },
    30_000,
  );
  if (state !== 'ready' || !ports) {
    child.kill();
    throw new EmulatorStartError(
      'Azurite',
      state === 'exited' ? 'it exited early' : 'it did not report its ports within 30 s',
      logFile,
    );
  }
  return { pid: child.pid, ports };
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
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
  const { pid, ports } = await spawnAzuriteOnAnyPorts(appDir);
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

// Loaded on first use: `devhost/testing` must load in apps that left the optional server out.
async function startInProcessCosmos(): Promise<CosmosServer> {
  ensureCosmosServerPackage();
  const { startCosmosServer } = await import('./cosmos/server');
  return startCosmosServer({ port: 0 });
}

/** In-memory Cosmos server for this test file. */
export async function testCosmos(): Promise<TestCosmos> {
  cosmos ??= startInProcessCosmos().catch((err: unknown) => {
    cosmos = undefined;
    throw err;
  });
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
