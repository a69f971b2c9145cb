/**
 * The local stack's API: make Azurite and/or the Cosmos server available for one app directory and
 * tell the app how to reach them.
 *
 * Lifetime (see docs/local-stack.md): the emulators run as their own detached processes. They keep
 * running when devhost exits or crashes, so data stays where it is and the next start reuses them in
 * milliseconds; `devhost emulators stop` (`npm run emulators:stop`) stops them. `stop()` on the handle
 * stops only what this call started (devhost calls it on exit only with `--stop-emulators-on-exit`).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { azuriteArgs, azuriteConnectionString, resolveAzuriteEntry, type AzuritePorts } from './azurite';
import { cosmosCommand } from './cosmosProcess';
import { COSMOS_EMULATOR_KEY, DEFAULT_HOST, DEFAULT_PORTS, type EmulatorName } from './defaults';
import { ensureEmulator, type EmulatorProcess, type EmulatorSpec } from './ensure';
import { UnreachableEndpointError } from './errors';
import { ensureError } from '../worker/errors';
import { stopPid } from './processes';
import { defaultStateDir, isAlive, readRunRecord, removeRunRecord } from './runState';
import {
  howToMove,
  isDevelopmentStorage,
  isEmbeddedCosmos,
  storageEndpoint,
  type StackPorts,
} from './settings';

export interface StartEmulatorsOptions {
  appDir: string;
  /** Data, run records and logs; default `<appDir>/.devhost`. */
  stateDir?: string;
  emulators: readonly EmulatorName[];
  /** Defaults: blob 10000, queue 10001, table 10002, cosmos 8081. */
  ports?: Partial<StackPorts>;
  host?: string;
  /** Azurite `--inMemoryPersistence` and a Cosmos server without a journal (tests). */
  inMemory?: boolean;
  /**
   * The app's settings (local.settings.json `Values` over the environment). An external
   * `AzureWebJobsStorage` or `COSMOS_ENDPOINT` there means the embedded emulator is not started.
   */
  settings?: Record<string, string | undefined>;
  /** Restart an emulator that dies while this process runs (default true). */
  supervise?: boolean;
  /** How often supervision checks that the emulators' processes are alive (default 2000 ms). */
  superviseIntervalMs?: number;
  /**
   * Default true: emulators survive this process. False ties them to it (tests): they exit when it
   * is gone, even after a kill -9.
   */
  detached?: boolean;
  /** Cosmos journal compaction threshold in bytes (tests use a small one). */
  cosmosCompactBytes?: number;
  log?: (line: string) => void;
}

export interface AzuriteInfo {
  /** True when AzureWebJobsStorage points elsewhere and no Azurite is involved. */
  external: boolean;
  connectionString: string;
  host?: string;
  ports?: AzuritePorts;
  pid?: number;
  started: boolean;
}

export interface CosmosInfo {
  external: boolean;
  endpoint: string;
  key: string;
  pid?: number;
  started: boolean;
}

export interface Emulators {
  azurite?: AzuriteInfo;
  cosmos?: CosmosInfo;
  /** Values to set in the app's environment so it talks to these emulators. */
  appSettings: Record<string, string>;
  /** Stops the emulators this call started and stops supervising. */
  stop(): Promise<void>;
  /** Stops supervising and leaves the emulators running (the default on devhost exit). */
  detach(): void;
}

function azuriteDataDir(stateDir: string): string {
  return path.join(stateDir, 'azurite');
}

function cosmosDataDir(stateDir: string): string {
  return path.join(stateDir, 'cosmos');
}

export function azuriteSpec(
  stateDir: string,
  host: string,
  ports: AzuritePorts,
  inMemory: boolean,
): EmulatorSpec {
  const location = azuriteDataDir(stateDir);
  return {
    name: 'azurite',
    label: 'Azurite',
    host,
    ports: (['blob', 'queue', 'table'] as const).map((service) => ({
      service,
      port: ports[service],
      howToMove: howToMove(service),
    })),
    isExpected: (occupant, port) =>
      occupant.kind === 'azurite' && occupant.service.toLowerCase() === port.service,
    command: () => {
      const entry = resolveAzuriteEntry();
      // Azurite expects its --location folder to exist.
      if (!inMemory) fs.mkdirSync(location, { recursive: true });
      return { execArgv: [], entry, args: azuriteArgs({ host, ports, location, inMemory }) };
    },
    dataDir: inMemory ? null : location,
  };
}

function cosmosSpec(
  stateDir: string,
  host: string,
  port: number,
  inMemory: boolean,
  compactBytes?: number,
): EmulatorSpec {
  const dataDir = inMemory ? null : cosmosDataDir(stateDir);
  return {
    name: 'cosmos',
    label: 'Cosmos',
    host,
    ports: [{ service: 'cosmos', port, howToMove: howToMove('cosmos') }],
    isExpected: (occupant) => occupant.kind === 'devhost-cosmos',
    refuseReuse: (occupants) => {
      const occupant = occupants[0];
      if (occupant?.kind !== 'devhost-cosmos' || occupant.identity.dataDir === dataDir) return undefined;
      return (
        `Port ${port} serves devhost's Cosmos server (pid ${occupant.identity.pid}) with data ` +
        `${occupant.identity.dataDir ?? 'in memory'}, not ${dataDir ?? 'in memory'}. Stop it with ` +
        `\`devhost emulators stop --app-dir <its app>\`, or choose another port with ${howToMove('cosmos')}.`
      );
    },
    pidOf: (occupants) => (occupants[0]?.kind === 'devhost-cosmos' ? occupants[0].identity.pid : undefined),
    command: () => cosmosCommand({ host, port, dataDir, compactBytes }),
    dataDir,
  };
}

/** One clear message when a configured external endpoint does not answer. */
function checkReachable(setting: string, endpoint: string, timeoutMs = 3000): Promise<void> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.reject(new UnreachableEndpointError(setting, endpoint, 'it is not a URL'));
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (reason: string): void => {
      socket.destroy();
      reject(new UnreachableEndpointError(setting, endpoint, reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no connection within ${timeoutMs} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

export async function startEmulators(options: StartEmulatorsOptions): Promise<Emulators> {
  const appDir = path.resolve(options.appDir);
  const stateDir = path.resolve(options.stateDir ?? defaultStateDir(appDir));
  const host = options.host ?? DEFAULT_HOST;
  const ports: StackPorts = { ...DEFAULT_PORTS, ...options.ports };
  const settings = options.settings ?? process.env;
  const inMemory = options.inMemory ?? false;
  const log = options.log ?? (() => undefined);
  const ensureOptions = { cwd: appDir, stateDir, detached: options.detached ?? true, log };
  const azuritePorts: AzuritePorts = { blob: ports.blob, queue: ports.queue, table: ports.table };

  const specs: EmulatorSpec[] = [];
  const result: { azurite?: AzuriteInfo; cosmos?: CosmosInfo } = {};
  const checks: Promise<void>[] = [];

  if (options.emulators.includes('azurite')) {
    const configured = settings.AzureWebJobsStorage;
    if (!isDevelopmentStorage(configured) && configured !== undefined) {
      const endpoint = storageEndpoint(configured);
      log(`Azurite: not started, AzureWebJobsStorage points at ${endpoint ?? 'a storage account'}`);
      if (endpoint) checks.push(checkReachable('AzureWebJobsStorage', endpoint));
      result.azurite = { external: true, connectionString: configured, started: false };
    } else {
      specs.push(azuriteSpec(stateDir, host, azuritePorts, inMemory));
    }
  }
  if (options.emulators.includes('cosmos')) {
    const configured = settings.COSMOS_ENDPOINT;
    if (!isEmbeddedCosmos(configured, ports.cosmos) && configured !== undefined) {
      log(`Cosmos: not started, COSMOS_ENDPOINT points at ${configured}`);
      checks.push(checkReachable('COSMOS_ENDPOINT', configured));
      result.cosmos = {
        external: true,
        endpoint: configured,
        key: settings.COSMOS_KEY ?? '',
        started: false,
      };
    } else {
      specs.push(cosmosSpec(stateDir, host, ports.cosmos, inMemory, options.cosmosCompactBytes));
    }
  }

  await Promise.all(checks);
  const outcomes = await Promise.allSettled(specs.map((spec) => ensureEmulator(spec, ensureOptions)));
  const running: { spec: EmulatorSpec; process: EmulatorProcess; givenUp?: boolean }[] = [];
  outcomes.forEach((outcome, i) => {
    const spec = specs[i];
    if (outcome.status === 'fulfilled' && spec) running.push({ spec, process: outcome.value });
  });
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    // Leave nothing half-started behind: stop what this call started, keep what it reused.
    for (const { process: p } of running) {
      if (p.started && p.pid !== undefined) {
        await stopPid(p.pid);
        removeRunRecord(stateDir, p.name);
      }
    }
    throw failed.reason;
  }

  const setPid = (name: EmulatorName, pid: number | undefined): void => {
    if (name === 'azurite' && result.azurite) result.azurite.pid = pid;
    if (name === 'cosmos' && result.cosmos) result.cosmos.pid = pid;
  };
  for (const { spec, process: p } of running) {
    if (spec.name === 'azurite') {
      result.azurite = {
        external: false,
        connectionString: azuriteConnectionString(host, azuritePorts),
        host,
        ports: azuritePorts,
        pid: p.pid,
        started: p.started,
      };
    } else {
      result.cosmos = {
        external: false,
        endpoint: `http://${host}:${ports.cosmos}`,
        key: COSMOS_EMULATOR_KEY,
        pid: p.pid,
        started: p.started,
      };
    }
  }

  const appSettings: Record<string, string> = {};
  if (result.azurite && !result.azurite.external)
    appSettings.AzureWebJobsStorage = result.azurite.connectionString;
  if (result.cosmos && !result.cosmos.external) {
    appSettings.COSMOS_ENDPOINT = result.cosmos.endpoint;
    appSettings.COSMOS_KEY = result.cosmos.key;
  }

  // The emulators whose run record names the process devhost supervises (it started them, or
  // reused ones it started earlier); only for those does a missing record mean a deliberate stop.
  const recordedPids = new Map<EmulatorName, number>();
  const noteRecorded = (name: EmulatorName, pid: number | undefined): void => {
    if (pid !== undefined && readRunRecord(stateDir, name)?.pid === pid) recordedPids.set(name, pid);
  };
  for (const { spec, process: p } of running) noteRecorded(spec.name, p.pid);

  let timer: NodeJS.Timeout | undefined;
  if (options.supervise ?? true) {
    let busy = false;
    timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void (async () => {
        for (const entry of running) {
          const { pid } = entry.process;
          if (entry.givenUp || pid === undefined || isAlive(pid)) continue;
          // `devhost emulators stop` removes the run record before it stops the process: a
          // deliberate stop, not a crash, so it stays stopped.
          if (
            recordedPids.get(entry.spec.name) === pid &&
            readRunRecord(stateDir, entry.spec.name)?.pid !== pid
          ) {
            entry.givenUp = true;
            log(
              `${entry.spec.label} (pid ${pid}) was stopped (\`devhost emulators stop\`); not starting it ` +
                'again. Until devhost is started again, what needs it fails.',
            );
            continue;
          }
          log(`${entry.spec.label} (pid ${pid}) exited unexpectedly; starting it again`);
          try {
            entry.process = await ensureEmulator(entry.spec, ensureOptions);
            setPid(entry.spec.name, entry.process.pid);
            noteRecorded(entry.spec.name, entry.process.pid);
          } catch (err) {
            // Said once: retrying every interval would only repeat the same message.
            entry.givenUp = true;
            log(`${entry.spec.label} could not be restarted: ${ensureError(err).message}`);
          }
        }
      })().finally(() => {
        busy = false;
      });
    }, options.superviseIntervalMs ?? 2000);
    timer.unref();
  }

  const detach = (): void => {
    if (timer) clearInterval(timer);
  };
  return {
    ...result,
    appSettings,
    detach,
    stop: async () => {
      detach();
      await Promise.all(
        running.map(async ({ process: p }) => {
          if (!p.started || p.pid === undefined) return;
          await stopPid(p.pid);
          removeRunRecord(stateDir, p.name);
        }),
      );
    },
  };
}
