/**
 * The test harness: the app loaded as devhost loads it, its durable engine on a virtual (or real)
 * clock, and helpers to drive it: start, wait for a status, run until idle, replace an activity.
 * Every host owns its clock, store, overrides and ports, so tests can run side by side.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationStatusPayload } from '../durable/client/operations';
import type { DurableEngine } from '../durable/engine/durableEngine';
import { durablePlugin } from '../durable/engine/durablePlugin';
import type { EngineOperations } from '../durable/engine/engineOperations';
import type { HistoryEvent, RuntimeStatus } from '../protocol/history';
import type { Clock } from '../clock/clock';
import type { Duration } from '../clock/duration';
import { findDurableFunction } from '../durable/scheduler/functionApp';
import { RealClock } from '../clock/realClock';
import type { EngineSettings } from '../durable/scheduler/settings';
import { VirtualClock, type AdvanceOptions } from '../clock/virtualClock';
import { createMemoryLogger, type LogRecord, type Logger } from '../log/logger';
import { startDevhost, type Devhost } from '../startDevhost';
import type { ActivityFake, AnyActivityHandler } from './activityOverrides';

export interface StartTestHostOptions {
  /** The function app folder (host.json, package.json `main`). */
  appDir: string;
  /** Default `virtual`: time moves only when the test advances it. */
  clock?: 'virtual' | 'real';
  /** Where virtual time starts (default 2030-01-01T00:00:00Z). */
  startAt?: number | string | Date;
  /** Engine settings that win over host.json (e.g. concurrency limits). */
  settings?: Partial<EngineSettings>;
  /** The task hub store (default `memory`); `azure` uses `AzureWebJobsStorage`, e.g. a test Azurite. */
  storage?: 'memory' | 'azure';
  /** Where logs go; default: kept in memory (`host.logs`). */
  logger?: Logger;
  /**
   * App settings for this host, over local.settings.json `Values` (variables already set in the
   * environment win), removed on stop: e.g. `{ 'AzureWebJobs.<name>.Disabled': 'true' }` keeps a
   * timer function that reaches outside the test (a sweep of a real database) from running.
   */
  appSettings?: Record<string, string>;
}

/** The clock a test sees: virtual clocks can be advanced; a real one refuses to. */
export interface TestClock extends Clock {
  readonly kind: 'virtual' | 'real';
  /**
   * Moves virtual time forward, running everything that falls due in order and letting the host
   * settle after each step; `{ settle: false }` moves time without waiting for running work.
   */
  advance(duration: Duration, options?: AdvanceOptions): Promise<void>;
}

export interface StartOptions {
  input?: unknown;
  instanceId?: string;
}

export interface TestHost {
  readonly clock: TestClock;
  /** The management operations (what the Durable HTTP API serves), called in-process. */
  readonly client: EngineOperations;
  /** The SDK's own `DurableClient`, built from the `durableClient` binding payload: it talks HTTP to this host. */
  readonly durableClient: df.DurableClient;
  /** The host's public origin, e.g. `http://127.0.0.1:53121` (HTTP functions under `/api`). */
  readonly baseUrl: string;
  readonly devhost: Devhost;
  readonly engine: DurableEngine;
  /** Log records, when no logger was given. */
  readonly logs: LogRecord[];
  /** Starts an orchestration; returns its instance id. */
  start(orchestratorName: string, options?: StartOptions): Promise<string>;
  /** Runs until the instance has one of the statuses (virtual clock: without moving time). */
  waitForStatus(
    instanceId: string,
    status: RuntimeStatus | readonly RuntimeStatus[],
    options?: { timeoutMs?: number },
  ): Promise<OrchestrationStatusPayload>;
  /** Returns when no work is pending at the current (virtual) time. */
  runUntilIdle(): Promise<void>;
  history(instanceId: string): Promise<HistoryEvent[]>;
  /** Replaces an activity's handler for this host until the returned function is called. */
  overrideActivity<H extends AnyActivityHandler = AnyActivityHandler>(
    name: string,
    fake: ActivityFake<H>,
  ): () => void;
  stop(): Promise<void>;
}

export async function startTestHost(options: StartTestHostOptions): Promise<TestHost> {
  const appDir = path.resolve(options.appDir);
  const memory = options.logger ? undefined : createMemoryLogger();
  const logger = options.logger ?? memory!;
  const virtual = (options.clock ?? 'virtual') === 'virtual';
  const virtualClock = virtual ? new VirtualClock(options.startAt) : undefined;
  const baseClock: Clock = virtualClock ?? new RealClock();
  const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-test-'));
  // The plugin takes devhost's clock, which timer triggers run on too.
  const plugin = durablePlugin({
    rpcPort: 0,
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  let devhost: Devhost;
  try {
    devhost = await startDevhost({
      appDir,
      port: 0,
      stateDir,
      logger,
      banner: false,
      clock: baseClock,
      plugins: [plugin],
      ...(options.appSettings ? { appSettings: options.appSettings } : {}),
    });
  } catch (error) {
    await fs.promises.rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  const engine = plugin.engine;
  const api = plugin.api;
  if (!engine || !api) throw new Error('The durable plugin did not start.');
  const app = devhost.app;

  const runUntilIdle = async (): Promise<void> => {
    for (;;) {
      await engine.whenIdle();
      if (virtualClock?.hasDue()) {
        virtualClock.fireDue();
        continue;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (engine.idle && !virtualClock?.hasDue()) return;
    }
  };
  const disposeSettle = virtualClock?.onSettle(async () => {
    const busy = !engine.idle;
    await runUntilIdle();
    return busy;
  });

  const clock: TestClock = {
    kind: virtual ? 'virtual' : 'real',
    now: () => baseClock.now(),
    schedule: (at, callback) => baseClock.schedule(at, callback),
    advance: async (duration, advanceOptions) => {
      if (!virtualClock)
        throw new Error(
          'This test host runs on the real clock; start it with clock: "virtual" to advance time.',
        );
      await virtualClock.advance(duration, advanceOptions);
    },
  };

  const describe = async (instanceId: string): Promise<OrchestrationStatusPayload | undefined> =>
    engine.operations.getStatus(instanceId);

  const host: TestHost = {
    clock,
    client: engine.operations,
    durableClient: sdkClient(api.api.payload()),
    baseUrl: devhost.url,
    devhost,
    engine,
    logs: memory?.records ?? [],
    async start(orchestratorName, startOptions = {}) {
      const { instanceId } = await engine.operations.startNew({
        orchestratorName,
        input: startOptions.input === undefined ? null : JSON.stringify(startOptions.input),
        ...(startOptions.instanceId !== undefined ? { instanceId: startOptions.instanceId } : {}),
      });
      return instanceId;
    },
    async waitForStatus(instanceId, status, waitOptions = {}) {
      const wanted: readonly RuntimeStatus[] = typeof status === 'string' ? [status] : status;
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 10_000);
      for (;;) {
        await runUntilIdle();
        const current = await describe(instanceId);
        if (current && wanted.includes(current.runtimeStatus)) return current;
        if (virtualClock || Date.now() > deadline) {
          const next = virtualClock?.nextScheduledAt();
          throw new Error(
            `Instance '${instanceId}' is ${current?.runtimeStatus ?? 'unknown'}, not ${wanted.join(' or ')}, ` +
              (virtualClock
                ? `and nothing more happens at virtual time ${new Date(clock.now()).toISOString()}` +
                  (next !== undefined
                    ? ` (next timer at ${new Date(next).toISOString()}: advance the clock)`
                    : '')
                : `after ${waitOptions.timeoutMs ?? 10_000} ms`) +
              '.',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    runUntilIdle,
    async history(instanceId) {
      return (await engine.operations.getHistory(instanceId)) ?? [];
    },
    overrideActivity(name, fake) {
      const fn = findDurableFunction(app, 'activityTrigger', name);
      if (!fn) {
        const known = app
          .functions()
          .filter((f) => f.trigger.type === 'activityTrigger')
          .map((f) => f.name);
        throw new Error(
          `The app has no activity '${name}' to override (activities: ${known.join(', ') || 'none'}).`,
        );
      }
      const key = fn.name.toLowerCase();
      const override = (input: unknown) => fake(input);
      engine.activityOverrides.set(key, override);
      return () => {
        if (engine.activityOverrides.get(key) === override) engine.activityOverrides.delete(key);
      };
    },
    async stop() {
      disposeSettle?.();
      await devhost.stop();
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    },
  };
  return host;
}

/** What `df.getClient(context)` returns inside a function, for the same binding payload. */
function sdkClient(payload: unknown): df.DurableClient {
  const clientInput = df.input.durableClient();
  const context = new InvocationContext({
    functionName: 'testHost',
    options: { trigger: { type: 'httpTrigger', name: 'req' }, extraInputs: [clientInput] },
  });
  context.extraInputs.set(clientInput, JSON.parse(JSON.stringify(payload)));
  return df.getClient(context);
}
