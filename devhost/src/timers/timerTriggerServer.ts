/**
 * devhost's timer trigger plugin: finds the app's `timerTrigger` functions, validates every
 * schedule before any runs, and starts one listener per function on devhost's clock. Invocations go
 * through the worker seam's `invoke`, which also fills extra inputs (e.g. the durable client).
 */
import * as path from 'node:path';
import type { Clock } from '../clock/clock';
import { isFunctionDisabled } from '../config/appSettings';
import type { InvocationOutcome, InvocationRequest, RegisteredFunction } from '../worker/types';
import { fileStatusStore, type ScheduleStatusStore } from './scheduleStatus';
import { isTimerFunction, readTimerConfig, TimerConfigError, type TimerFunctionConfig } from './timerConfig';
import { TimerListener, type TimerLogger } from './timerListener';
import { timeZoneFromSettings, type TimeZone } from './timeZone';

/** What the plugin needs from the loaded app (a subset of the worker seam's app handle). */
export interface TimerApp {
  readonly directory: string;
  functions(): RegisteredFunction[];
  invoke(request: InvocationRequest): Promise<InvocationOutcome>;
}

export interface TimerServerOptions {
  /** devhost's clock; else the start context's `clock`. */
  readonly clock?: Clock;
  /** devhost's state folder (status files go in its `timers/`); else the context's, else `<app>/.devhost`. */
  readonly stateDir?: string;
  /** Replaces the status files altogether (e.g. a store in the task hub). */
  readonly statusStore?: ScheduleStatusStore;
  /** Jitter source for exponential retry backoff; default `Math.random`. */
  readonly random?: () => number;
}

/** The part of devhost's plugin context the timer plugin reads. */
export interface TimerPluginContext {
  readonly app: TimerApp;
  readonly logger: TimerLogger;
  /** App settings (local.settings.json `Values` over the environment); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  /** devhost's state folder for this app (default `<app>/.devhost`). */
  readonly stateDir?: string;
  /** Public origin; passed with each invocation so input providers (durable client URLs) can use it. */
  readonly origin?: string;
  /** Called after a `--watch` reload; the plugin then restarts its listeners. */
  onAppReloaded?(listener: () => void | Promise<void>): { dispose(): unknown };
}

/** A clock that can wait for the host to settle between callbacks (the virtual clock). */
interface SettlingClock extends Clock {
  /** The hook resolves true when it had work to wait for (see `VirtualClock.onSettle`). */
  onSettle(hook: () => Promise<boolean | void>): () => void;
}

function isSettlingClock(clock: Clock): clock is SettlingClock {
  return typeof (clock as Partial<SettlingClock>).onSettle === 'function';
}

/** Thrown by `start` when any timer function is misconfigured; lists every one. */
export class TimerStartError extends Error {
  constructor(readonly problems: readonly TimerConfigError[]) {
    super(
      `${problems.length} timer function(s) cannot start:\n` +
        problems.map((p) => `  - ${p.message}`).join('\n'),
    );
    this.name = 'TimerStartError';
  }
}

export class TimerTriggerServer {
  readonly name = 'timers';
  readonly triggerTypes: readonly string[] = ['timerTrigger'];
  readonly #options: TimerServerOptions;
  #listeners: TimerListener[] = [];
  #cleanup: (() => void)[] = [];
  #zone: TimeZone | undefined;

  constructor(options: TimerServerOptions = {}) {
    this.#options = options;
  }

  get timeZone(): TimeZone | undefined {
    return this.#zone;
  }

  get listeners(): readonly TimerListener[] {
    return this.#listeners;
  }

  async start(ctx: TimerPluginContext): Promise<void> {
    const clock = this.#options.clock ?? ctx.clock;
    if (!clock) throw new Error('The timer trigger plugin needs a clock: pass { clock } when creating it.');
    await this.#startListeners(ctx, clock);
    if (isSettlingClock(clock)) {
      const unsettle = clock.onSettle(async () => {
        const busy = this.#listeners.some((listener) => listener.busy);
        await this.whenIdle();
        return busy;
      });
      this.#cleanup.push(unsettle);
    }
    if (ctx.onAppReloaded) {
      const subscription = ctx.onAppReloaded(() => this.#restart(ctx, clock));
      this.#cleanup.push(() => subscription.dispose());
    }
  }

  async stop(): Promise<void> {
    for (const undo of this.#cleanup.splice(0)) undo();
    await this.#stopListeners();
  }

  /** Resolves when no timer invocation is running (retry waits excepted). */
  async whenIdle(): Promise<void> {
    await Promise.all(this.#listeners.map((l) => l.whenIdle()));
  }

  async #startListeners(ctx: TimerPluginContext, clock: Clock): Promise<void> {
    const settings = ctx.env ?? process.env;
    const zone = timeZoneFromSettings(settings);
    this.#zone = zone;
    const timers = ctx.app.functions().filter(isTimerFunction);
    // As the host: a disabled function's trigger listener is not started.
    for (const fn of timers.filter((f) => isFunctionDisabled(f.name, settings))) {
      ctx.logger.info(`Timer '${fn.name}' is disabled (AzureWebJobs.${fn.name}.Disabled); it will not run.`);
    }
    const configs = readAll(
      timers.filter((f) => !isFunctionDisabled(f.name, settings)),
      zone,
      settings,
      this.#options.random,
    );
    const store =
      this.#options.statusStore ??
      fileStatusStore(
        this.#options.stateDir ?? ctx.stateDir ?? path.join(ctx.app.directory, '.devhost'),
        zone,
        () => clock.now(),
        (error) => ctx.logger.warn(error.message),
      );
    const now = clock.now();
    const listeners: TimerListener[] = [];
    for (const config of configs) {
      if (config.schedule.nextAfter(now) === undefined) {
        ctx.logger.warn(
          `Timer '${config.functionName}': the schedule '${config.schedule.expression}' never occurs; the function will not run.`,
        );
        continue;
      }
      listeners.push(
        new TimerListener(config, {
          clock,
          zone,
          store,
          logger: ctx.logger,
          invoke: (request) => ctx.app.invoke(ctx.origin ? { ...request, origin: ctx.origin } : request),
        }),
      );
    }
    this.#listeners = listeners;
    try {
      for (const listener of listeners) await listener.start();
    } catch (error) {
      // The host does not stop a plugin whose start failed: leave no timer armed behind.
      await this.#stopListeners();
      throw error;
    }
  }

  async #stopListeners(): Promise<void> {
    const listeners = this.#listeners;
    this.#listeners = [];
    await Promise.all(listeners.map((l) => l.stop()));
  }

  /** After a reload the app's timer functions may differ: start over from the stored status. */
  async #restart(ctx: TimerPluginContext, clock: Clock): Promise<void> {
    await this.#stopListeners();
    try {
      await this.#startListeners(ctx, clock);
    } catch (error) {
      ctx.logger.error(`Timer triggers are stopped until the app is fixed: ${(error as Error).message}`);
    }
  }
}

function readAll(
  functions: RegisteredFunction[],
  zone: TimeZone,
  settings: Record<string, string | undefined>,
  random: (() => number) | undefined,
): TimerFunctionConfig[] {
  const configs: TimerFunctionConfig[] = [];
  const problems: TimerConfigError[] = [];
  for (const fn of functions) {
    try {
      configs.push(readTimerConfig(fn, zone, settings, random));
    } catch (error) {
      if (!(error instanceof TimerConfigError)) throw error;
      problems.push(error);
    }
  }
  if (problems.length > 0) throw new TimerStartError(problems);
  return configs;
}
