/**
 * What the soak runs and breaks: Azurite (the task hub), the journalled Cosmos server behind the
 * fault proxy (the app's data), and devhost with the built app as a child process on one port, so
 * clients keep their URLs across its restarts. Everything listens on 127.0.0.1.
 */
import * as fs from 'node:fs';
import { COSMOS_EMULATOR_KEY } from '../devhost/src/emulators/defaults';
import { startEmulators } from '../devhost/src/emulators/startEmulators';
import { freePort } from '../devhost/src/emulators/testing';
import { isAlive } from '../devhost/src/emulators/runState';
import { CosmosFaultProxy } from './cosmosFaultProxy';
import { type DevhostChild, startDevhostChild } from './devhostChild';
import { repoRoot } from './paths';

export interface StackOptions {
  /** Cosmos journal, emulator logs, Azurite's files when this stack starts it. */
  workDir: string;
  /** An Azurite to use (a test's); else one is started in memory. */
  azuriteConnectionString?: string;
  hubName: string;
  database: string;
  /** App settings for devhost's environment, over local.settings.json. */
  appSettings: Record<string, string>;
  devhostArgs: string[];
  log: (line: string) => void;
}

interface CosmosProcess {
  pid: number;
  endpoint: string;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SoakStack {
  devhost: DevhostChild | undefined;
  /** devhost processes started, and their exits (signal or code). */
  readonly devhostExits: string[] = [];
  /** Invocations that threw (activities a retry ran again, starters that answered 500), by function. */
  readonly failedInvocations = new Map<string, number>();

  private constructor(
    private readonly options: StackOptions,
    readonly azuriteConnectionString: string,
    private readonly stopAzurite: () => Promise<void>,
    private cosmos: CosmosProcess,
    private readonly cosmosPort: number,
    readonly proxy: CosmosFaultProxy,
    readonly port: number,
  ) {}

  static async start(options: StackOptions): Promise<SoakStack> {
    await fs.promises.mkdir(options.workDir, { recursive: true });
    let azurite = options.azuriteConnectionString;
    let stopAzurite = () => Promise.resolve();
    if (!azurite) {
      const started = await startEmulators({
        appDir: repoRoot(),
        stateDir: options.workDir,
        emulators: ['azurite'],
        ports: { blob: await freePort(), queue: await freePort(), table: await freePort() },
        inMemory: true,
        settings: {},
        supervise: false,
        detached: false,
      });
      azurite = started.azurite!.connectionString;
      stopAzurite = () => started.stop();
    }
    const cosmosPort = await freePort();
    const cosmos = await startCosmos(options.workDir, cosmosPort);
    const proxy = await CosmosFaultProxy.start(cosmos.endpoint);
    return new SoakStack(options, azurite, stopAzurite, cosmos, cosmosPort, proxy, await freePort());
  }

  /** The Cosmos server itself, for the soak's own reads (not through the faults). */
  get cosmosEndpoint(): string {
    return this.cosmos.endpoint;
  }

  get cosmosKey(): string {
    return COSMOS_EMULATOR_KEY;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** When the running devhost began to serve (its banner); undefined while none runs. */
  servingSince: number | undefined;

  /** The settings devhost's app reads: the task hub on Azurite, Cosmos through the proxy. */
  appEnvironment(): Record<string, string> {
    return {
      AzureWebJobsStorage: this.azuriteConnectionString,
      TASKHUB_NAME: this.options.hubName,
      COSMOS_ENDPOINT: this.proxy.endpoint,
      COSMOS_KEY: COSMOS_EMULATOR_KEY,
      COSMOS_DATABASE: this.options.database,
      ...this.options.appSettings,
    };
  }

  /** Starts devhost on the stack's port; returns how long it took to listen. */
  async startDevhost(extraArgs: string[] = []): Promise<number> {
    const began = Date.now();
    const child = await startDevhostChild(this.appEnvironment(), repoRoot(), {
      port: this.port,
      args: [...this.options.devhostArgs, ...extraArgs],
      onLine: (line) => {
        const failed = /Executed 'Functions\.([\w-]+)' \(Failed/.exec(line)?.[1];
        if (failed) this.failedInvocations.set(failed, (this.failedInvocations.get(failed) ?? 0) + 1);
      },
    });
    void child.exited.then((how) => this.devhostExits.push(how));
    this.devhost = child;
    this.servingSince = Date.now();
    return Date.now() - began;
  }

  /** A crash: SIGKILL, nothing runs after it. */
  async killDevhost(): Promise<void> {
    const child = this.devhost;
    if (!child) return;
    this.devhost = undefined;
    this.servingSince = undefined;
    child.kill('SIGKILL');
    await child.exited;
    await child.stop();
  }

  /** SIGTERM: returns how long devhost took to exit, and how it exited. */
  async stopDevhost(): Promise<{ ms: number; exit: string; output: string }> {
    const child = this.devhost;
    if (!child) throw new Error('devhost is not running');
    const began = Date.now();
    this.servingSince = undefined;
    child.kill('SIGTERM');
    const exit = await child.exited;
    const ms = Date.now() - began;
    this.devhost = undefined;
    const output = child.output();
    await child.stop();
    return { ms, exit, output };
  }

  /** Kills the Cosmos server (SIGKILL) and starts it again on its journal; returns the downtime. */
  async restartCosmos(): Promise<number> {
    const began = Date.now();
    process.kill(this.cosmos.pid, 'SIGKILL');
    while (isAlive(this.cosmos.pid)) await pause(20);
    this.cosmos = await startCosmos(this.options.workDir, this.cosmosPort);
    this.proxy.retarget(this.cosmos.endpoint);
    return Date.now() - began;
  }

  async close(): Promise<void> {
    await this.devhost?.stop().catch(() => undefined);
    this.devhost = undefined;
    await this.proxy.close();
    if (isAlive(this.cosmos.pid)) process.kill(this.cosmos.pid, 'SIGTERM');
    while (isAlive(this.cosmos.pid)) await pause(20);
    await this.stopAzurite();
  }
}

async function startCosmos(workDir: string, port: number): Promise<CosmosProcess> {
  const started = await startEmulators({
    appDir: repoRoot(),
    stateDir: workDir,
    emulators: ['cosmos'],
    ports: { cosmos: port },
    inMemory: false,
    settings: {},
    supervise: false,
    detached: false,
  });
  const cosmos = started.cosmos;
  if (!cosmos?.pid) throw new Error('The Cosmos server did not start.');
  // This stack restarts and stops it itself.
  started.detach();
  return { pid: cosmos.pid, endpoint: cosmos.endpoint };
}
