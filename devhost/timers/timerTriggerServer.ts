/**
 * devhost's timer trigger plugin: finds the app's `timerTrigger` functions, validates every
 * schedule before any runs, and starts one listener per function on devhost's clock. Invocations go
 * through the worker seam's `invoke`, which also fills extra inputs (e.g. the durable client).
 */
import type { Clock } from '../durable/scheduler/clock';
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

export interface TimerServerContext {
  readonly app: TimerApp;
  readonly clock: Clock;
  readonly logger: TimerLogger;
  /** App settings; default `process.env` (where devhost puts local.settings.json `Values`). */
  readonly settings?: Record<string, string | undefined>;
  /** The folder whose `.devhost/timers/` holds status files; default the app folder. */
  readonly statusRoot?: string;
  /** Replaces the status files altogether (e.g. a store in the task hub). */
  readonly statusStore?: ScheduleStatusStore;
  /** Jitter source for exponential retry backoff; default `Math.random`. */
  readonly random?: () => number;
}

/** A clock that can wait for the host to settle between callbacks (the virtual clock). */
interface SettlingClock extends Clock {
  onSettle(hook: () => Promise<void>): () => void;
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
  #listeners: TimerListener[] = [];
  #unsettle: (() => void) | undefined;
  #zone: TimeZone | undefined;

  get timeZone(): TimeZone | undefined {
    return this.#zone;
  }

  get listeners(): readonly TimerListener[] {
    return this.#listeners;
  }

  async start(ctx: TimerServerContext): Promise<void> {
    const settings = ctx.settings ?? process.env;
    const zone = timeZoneFromSettings(settings);
    this.#zone = zone;
    const configs = readAll(ctx.app.functions().filter(isTimerFunction), zone, settings, ctx.random);
    const store =
      ctx.statusStore ??
      fileStatusStore(
        ctx.statusRoot ?? ctx.app.directory,
        zone,
        () => ctx.clock.now(),
        (error) => ctx.logger.warn(error.message),
      );
    const now = ctx.clock.now();
    for (const config of configs) {
      if (config.schedule.nextAfter(now) === undefined) {
        ctx.logger.warn(
          `Timer '${config.functionName}': the schedule '${config.schedule.expression}' never occurs; the function will not run.`,
        );
        continue;
      }
      this.#listeners.push(
        new TimerListener(config, {
          clock: ctx.clock,
          zone,
          store,
          logger: ctx.logger,
          invoke: (request) => ctx.app.invoke(request),
        }),
      );
    }
    if (isSettlingClock(ctx.clock)) this.#unsettle = ctx.clock.onSettle(() => this.whenIdle());
    for (const listener of this.#listeners) await listener.start();
  }

  async stop(): Promise<void> {
    const listeners = this.#listeners;
    this.#listeners = [];
    await Promise.all(listeners.map((l) => l.stop()));
    this.#unsettle?.();
    this.#unsettle = undefined;
  }

  /** Resolves when no timer invocation is running (retry waits excepted). */
  async whenIdle(): Promise<void> {
    await Promise.all(this.#listeners.map((l) => l.whenIdle()));
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
