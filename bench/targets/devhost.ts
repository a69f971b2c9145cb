/**
 * devhost as the benchmarks run it: in this process, on a free port, with the durable plugin on
 * the memory store or on the azure store over Azurite (data on disk, as `npm start` runs it, or
 * `--inMemoryPersistence`). The app is the benchmark's own (`bench/app`) or the order app itself
 * (the repository root, with its Cosmos server and seed). Emulators are started the way
 * `npm start` starts them, on free ports, under a temporary folder, tied to this process.
 *
 * Completion is observed in the store: after the checkpoint that writes a terminal status, one
 * status read (which waits for the row) resolves the instance's waiter, so no polling interval
 * adds latency to what is measured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { durablePlugin, type DurablePlugin } from '../../devhost/src/durable/engine/durablePlugin';
import { freeStackPorts } from '../../devhost/src/emulators/testing';
import { startEmulators, type Emulators } from '../../devhost/src/emulators/startEmulators';
import { createLogger, type LogFields, type Logger } from '../../devhost/src/log/logger';
import { EventType, isTerminal, type RuntimeStatus } from '../../devhost/src/protocol/history';
import { newGuidN } from '../../devhost/src/protocol/ids';
import { startDevhost, type Devhost } from '../../devhost/src/startDevhost';
import type { InstanceRow, TaskHubStore } from '../../devhost/src/store/taskHubStore';
import { nativeProcess } from '../../devhost/src/worker/nativeModules';
import { seed } from '../../scripts/seed';
import { expectStatus } from '../http';
import { peakRssMb, type PeakRss } from '../rss';
import { repoRoot } from '../paths';

export type StoreTarget = 'memory' | 'azure-disk' | 'azure-memory';
export type BenchApp = 'bench' | 'orders';

/** Emulators started by someone else (the benchmark shares them between runs). */
export interface SharedStack {
  azurite?: { connectionString: string };
  cosmos?: { endpoint: string; key: string };
  /** Stopped after the run (bench/stacks.ts `retire`): what the run leaves in it goes with it. */
  throwaway?: boolean;
}

export interface DevhostTargetOptions {
  target: StoreTarget;
  app: BenchApp;
  /** Use these emulators instead of starting them (each run then has its own hub and database). */
  stack?: SharedStack;
  /** Default: the app's (host.json). */
  hubName?: string;
  /** The order app's Cosmos database; default: the app's (local.settings.json). */
  database?: string;
}

interface Waiter {
  resolve: (status: RuntimeStatus) => void;
}

export class DevhostTarget {
  /** Instances whose latest checkpoint left them Running (waiting for an event, say). */
  readonly running = new Set<string>();
  /** Activities whose result was enqueued. */
  activitiesDone = 0;
  private readonly finished = new Map<string, RuntimeStatus>();
  private readonly statusLogs = new Map<string, { at: number; customStatus: string | null }[]>();
  private readonly waiters = new Map<string, Waiter[]>();

  private constructor(
    readonly name: StoreTarget,
    private readonly devhost: Devhost,
    private readonly durable: DurablePlugin,
    private readonly emulators: Emulators | undefined,
    private readonly cleanup: () => Promise<void>,
    /** Drops devhost's log lines from now on (a run torn down early makes it complain). */
    readonly quiet: () => void,
    private readonly invocationTime: ReadonlyMap<string, number>,
  ) {
    this.observe(this.store);
    observeGc();
  }

  static async start(options: DevhostTargetOptions): Promise<DevhostTarget> {
    const appDir = options.app === 'orders' ? repoRoot() : path.join(repoRoot(), 'bench/app');
    const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-bench-'));
    const env = nativeProcess().env;
    const saved = new Map<string, string | undefined>();
    const setEnv = (values: Record<string, string>): void => {
      for (const [key, value] of Object.entries(values)) {
        if (!saved.has(key)) saved.set(key, env[key]);
        env[key] = value;
      }
    };
    const restoreEnv = (): void => {
      for (const [key, value] of saved) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
    };
    const azure = options.target !== 'memory';
    const names = [
      ...(azure ? (['azurite'] as const) : []),
      ...(options.app === 'orders' ? (['cosmos'] as const) : []),
    ];
    let emulators: Emulators | undefined;
    let devhost: Devhost | undefined;
    let quiet = false;
    const invocationTime = new Map<string, number>();
    const cleanup = async (): Promise<void> => {
      await devhost?.stop();
      await emulators?.stop();
      restoreEnv();
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    };
    try {
      if (names.length > 0) {
        emulators = await startEmulators({
          appDir,
          stateDir,
          emulators: names,
          ports: await freeStackPorts(),
          inMemory: options.target !== 'azure-disk',
          // The local stack's defaults for `npm start`, except that the emulators go with this
          // process: a benchmark leaves nothing running.
          settings: {},
          supervise: false,
          detached: false,
        });
        setEnv(emulators.appSettings);
      }
      const { azurite, cosmos } = options.stack ?? {};
      if (azure && azurite) setEnv({ AzureWebJobsStorage: azurite.connectionString });
      if (options.app === 'orders') {
        if (cosmos) setEnv({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
        if (options.database) setEnv({ COSMOS_DATABASE: options.database });
        setEnv({ PAYMENT_GATEWAY_LATENCY_MS: '0' });
        await seed({ appDir, settings: env });
      }
      const durable = durablePlugin({
        storage: azure ? 'azure' : 'memory',
        rpcPort: 0,
        ...(options.hubName ? { settings: { hubName: options.hubName } } : {}),
      });
      devhost = await startDevhost({
        appDir,
        port: 0,
        stateDir,
        banner: false,
        // A run can leave work finishing behind it (a fan-out of 10,000 leaves 10,000 queue deletes).
        // devhost may take longer to stop than the benchmark process waits (bench/worker.ts), so a
        // slow stop replaces that process rather than leaving an engine running in it.
        shutdownTimeoutMs: 60_000,
        logger: benchLogger(
          createLogger({ level: 'warn', write: (line) => quiet || process.stderr.write(`${line}\n`) }),
          invocationTime,
        ),
        plugins: [durable],
      });
      return new DevhostTarget(
        options.target,
        devhost,
        durable,
        emulators,
        cleanup,
        () => (quiet = true),
        invocationTime,
      );
    } catch (error) {
      await cleanup();
      throw error;
    }
  }

  get url(): string {
    return this.devhost.url;
  }

  get store(): TaskHubStore {
    const engine = this.durable.engine;
    if (!engine) throw new Error('The durable engine is not running.');
    return engine.store;
  }

  webhook(route: string): string {
    return `${this.devhost.url}/runtime/webhooks/durabletask/${route}`;
  }

  /** Starts an orchestration through the Durable HTTP API, as a client would. */
  async start(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    await expectStatus(
      [202],
      'POST',
      this.webhook(`orchestrators/${orchestrator}/${encodeURIComponent(instanceId)}`),
      input,
    );
  }

  /** Resolves with the terminal status once the checkpoint that wrote it has completed. */
  completion(instanceId: string): Promise<RuntimeStatus> {
    const done = this.finished.get(instanceId);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const list = this.waiters.get(instanceId) ?? [];
      list.push({ resolve });
      this.waiters.set(instanceId, list);
    });
  }

  /**
   * Every custom status the instance's checkpoints write from now on, with the time
   * (`performance.now()`) each checkpoint completed: what a status read could first see.
   */
  customStatuses(instanceId: string): { at: number; customStatus: string | null }[] {
    const log = this.statusLogs.get(instanceId) ?? [];
    this.statusLogs.set(instanceId, log);
    return log;
  }

  /** Starts and awaits one orchestration; throws unless it completes. */
  async run(orchestrator: string, instanceId: string, input: unknown): Promise<void> {
    const done = this.completion(instanceId);
    await this.start(orchestrator, instanceId, input);
    const status = await done;
    if (status !== 'Completed') throw new Error(`${orchestrator} ${instanceId} ended ${status}.`);
  }

  /**
   * Puts a Pending instance in the hub that starts in a day: its row and its start message,
   * written through the store as a scheduled start would be.
   */
  async createScheduled(orchestrator: string, instanceId: string): Promise<void> {
    const executionId = newGuidN();
    const startAt = Date.now() + 24 * 3600 * 1000;
    const orchestrationInstance = { InstanceId: instanceId, ExecutionId: executionId };
    await this.store.createInstance(
      {
        event: {
          EventType: EventType.ExecutionStarted,
          EventId: -1,
          IsPlayed: false,
          Timestamp: new Date().toISOString(),
          OrchestrationInstance: orchestrationInstance,
          ParentInstance: null,
          Name: orchestrator,
          Version: null,
          Input: null,
          Tags: null,
          Correlation: null,
          ScheduledStartTime: new Date(startAt).toISOString(),
          Generation: 0,
        },
        orchestrationInstance,
      },
      { dedupeStatuses: ['Running', 'Pending', 'Suspended', 'ContinuedAsNew'], visibleAt: startAt },
    );
  }

  /**
   * Milliseconds spent so far in invocations of function `name` (the host's `Executed` record of
   * each): for an orchestrator, the programming model reading the trigger and the SDK replaying.
   */
  invocationMs(name: string): number {
    return this.invocationTime.get(name) ?? 0;
  }

  /**
   * Milliseconds this process has spent in garbage collection so far (V8's pauses, as `gc`
   * performance entries report them), whoever left the garbage: devhost runs in this process.
   */
  async gcMs(): Promise<number> {
    // Entries reach the observer on a later turn of the event loop.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return gcPauses.totalMs;
  }

  /** Table, queue and blob requests the azure store made so far; undefined on the memory store. */
  storageCalls(): number | undefined {
    const calls = (this.store as { calls?: { counts?: Record<string, number> } }).calls?.counts;
    return calls ? Object.values(calls).reduce((sum, n) => sum + n, 0) : undefined;
  }

  peakRss(): PeakRss {
    const helpers: Record<string, number> = {};
    const azurite = this.emulators?.azurite?.pid;
    const cosmos = this.emulators?.cosmos?.pid;
    if (azurite !== undefined) helpers.Azurite = peakRssMb(azurite);
    if (cosmos !== undefined) helpers.Cosmos = peakRssMb(cosmos);
    return { mainMb: peakRssMb('self'), helpersMb: helpers };
  }

  stop(): Promise<void> {
    return this.cleanup();
  }

  private observe(store: TaskHubStore): void {
    const completeOrchestration = store.completeOrchestrationWorkItem.bind(store);
    store.completeOrchestrationWorkItem = async (workItem, checkpoint) => {
      await completeOrchestration(workItem, checkpoint);
      if (checkpoint.instance) this.checkpointed(checkpoint.instance);
    };
    const completeActivity = store.completeActivityWorkItem.bind(store);
    store.completeActivityWorkItem = async (workItem, result) => {
      await completeActivity(workItem, result);
      this.activitiesDone += 1;
    };
  }

  private checkpointed(row: InstanceRow): void {
    this.statusLogs.get(row.instanceId)?.push({ at: performance.now(), customStatus: row.customStatus });
    if (!isTerminal(row.runtimeStatus)) {
      if (row.runtimeStatus === 'Running') this.running.add(row.instanceId);
      return;
    }
    this.running.delete(row.instanceId);
    // The azure store writes the row just behind the checkpoint; a status read waits for it. So
    // does this read, which makes the time of completion the time a client could first see it.
    void this.store.getInstance(row.instanceId).then(
      () => this.finish(row.instanceId, row.runtimeStatus),
      () => this.finish(row.instanceId, row.runtimeStatus),
    );
  }

  private finish(instanceId: string, status: RuntimeStatus): void {
    this.finished.set(instanceId, status);
    for (const waiter of this.waiters.get(instanceId) ?? []) waiter.resolve(status);
    this.waiters.delete(instanceId);
  }
}

/** Garbage collection pauses in this process since the first devhost target started. */
const gcPauses = { totalMs: 0, observer: undefined as PerformanceObserver | undefined };

function observeGc(): void {
  if (gcPauses.observer) return;
  gcPauses.observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.totalMs += entry.duration;
  });
  gcPauses.observer.observe({ entryTypes: ['gc'] });
}

/**
 * Warnings and errors go to `warnings`; of the rest, only the duration of every invocation is
 * kept (per function), without formatting a line for it.
 */
function benchLogger(warnings: Logger, invocationTime: Map<string, number>): Logger {
  const make = (bound: LogFields): Logger => ({
    debug: () => undefined,
    info: (_message, fields) => {
      const { durationMs, function: name } = { ...bound, ...fields };
      if (typeof durationMs === 'number' && typeof name === 'string') {
        invocationTime.set(name, (invocationTime.get(name) ?? 0) + durationMs);
      }
    },
    warn: (message, fields) => warnings.warn(message, { ...bound, ...fields }),
    error: (message, fields) => warnings.error(message, { ...bound, ...fields }),
    child: (fields) => make({ ...bound, ...fields }),
  });
  return make({});
}
