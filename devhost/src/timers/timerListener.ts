/**
 * Drives one timer function the way the Azure extension's `TimerListener` does: one timer armed at
 * a time, re-armed only after an invocation (with its retries) finished and its status was saved,
 * so invocations of one function never overlap. A run that outlasts the next occurrence is
 * followed at once by a single catch-up run; the occurrences it covered are skipped.
 */
import type { Clock } from '../clock/clock';
import type { InvocationOutcome, InvocationRequest, RpcTypedData } from '../worker/types';
import { checkPastDue } from './pastDue';
import { toScheduleStatusJson, type ScheduleStatus, type ScheduleStatusStore } from './scheduleStatus';
import type { TimerFunctionConfig } from './timerConfig';
import type { TimeZone } from './timeZone';

export interface TimerLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface TimerListenerDeps {
  readonly clock: Clock;
  readonly zone: TimeZone;
  readonly store: ScheduleStatusStore;
  readonly logger: TimerLogger;
  invoke(request: InvocationRequest): Promise<InvocationOutcome>;
}

type Reason = 'schedule' | 'pastDue' | 'startup';

/** The worker's timer input as the host serializes `TimerInfo` (Newtonsoft, PascalCase). */
export interface TimerInfoJson {
  Schedule: { AdjustForDST: boolean };
  ScheduleStatus: ReturnType<typeof toScheduleStatusJson> | null;
  IsPastDue: boolean;
}

export class TimerListener {
  readonly #config: TimerFunctionConfig;
  readonly #deps: TimerListenerDeps;
  readonly #monitor: boolean;
  #status: ScheduleStatus | undefined;
  #cancelTimer: (() => void) | undefined;
  #cancelRetryWait: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  /** True while an invocation or status write is under way (not while parked on a retry wait). */
  #busy = false;
  #idleWaiters: (() => void)[] = [];

  constructor(config: TimerFunctionConfig, deps: TimerListenerDeps) {
    this.#config = config;
    this.#deps = deps;
    // The extension persists nothing for schedules that fire more than once a minute.
    this.#monitor = config.useMonitor && !config.schedule.firesMoreThanOncePerMinute;
  }

  get functionName(): string {
    return this.#config.functionName;
  }

  /** The status as the listener holds it (for diagnostics and tests). */
  get status(): ScheduleStatus | undefined {
    return this.#status;
  }

  async start(): Promise<void> {
    const { clock, logger, store, zone } = this.#deps;
    const { schedule, functionName } = this.#config;
    const now = clock.now();
    logger.info(`Timer '${functionName}' schedule: ${schedule.describe()} (time zone ${zone.name}).`);
    let isPastDue = false;
    if (this.#monitor) {
      const stored = await store.read(functionName);
      const check = checkPastDue(stored, now, (t) => this.#nextAfter(t));
      if (check.toWrite) await store.write(functionName, check.toWrite);
      this.#status = check.status;
      isPastDue = check.isPastDue;
    } else {
      this.#status = { last: null, next: this.#nextAfter(now), lastUpdated: null };
      if (this.#config.useMonitor) {
        logger.debug(
          `Timer '${functionName}' fires more than once a minute: its schedule status is not kept.`,
        );
      }
    }
    logger.info(`The next 5 occurrences of '${functionName}': ${this.#preview(now, 5).join(', ')}`);
    if (isPastDue) {
      logger.info(
        `Timer '${functionName}' is past due (missed ${new Date(this.#status.next).toISOString()}).`,
      );
      this.#arm(now, 'pastDue');
    } else if (this.#config.runOnStartup) {
      this.#arm(now, 'startup');
    } else {
      this.#arm(this.#status.next, 'schedule');
    }
  }

  /** Stops firing; waits for a running invocation (a pending retry wait is abandoned). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#cancelRetryWait?.();
    await this.#running;
  }

  /** True while an invocation runs (not while parked on a retry delay). */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * Resolves once nothing is running, or the run is parked on a retry delay (which only the clock
   * can end). A virtual clock awaits this before firing the next due callback.
   */
  whenIdle(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    if (busy) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #nextAfter(instant: number): number {
    // Never-firing schedules are refused before a listener is built.
    return this.#config.schedule.nextAfter(instant) ?? Number.MAX_SAFE_INTEGER;
  }

  #preview(from: number, count: number): string[] {
    const out: string[] = [];
    let t: number | undefined = from;
    while (out.length < count && (t = this.#config.schedule.nextAfter(t)) !== undefined) {
      out.push(new Date(t).toISOString());
    }
    return out;
  }

  #arm(at: number, reason: Reason): void {
    if (this.#stopped) return;
    this.#cancelTimer = this.#deps.clock.schedule(at, () => {
      this.#cancelTimer = undefined;
      this.#running = this.#fire(reason);
    });
  }

  async #fire(reason: Reason): Promise<void> {
    this.#setBusy(true);
    try {
      await this.#invokeWithRetries(reason);
    } catch (error) {
      // A devhost fault must not end the schedule either.
      this.#deps.logger.error(
        `Error during the scheduled invocation of '${this.#config.functionName}': ${(error as Error).message}`,
      );
    } finally {
      this.#running = undefined;
      if (this.#status) this.#arm(Math.max(this.#status.next, this.#deps.clock.now()), 'schedule');
      this.#setBusy(false);
    }
  }

  async #invokeWithRetries(reason: Reason): Promise<void> {
    const { clock, logger, store, zone } = this.#deps;
    const { functionName, retry } = this.#config;
    const status = this.#status;
    if (this.#stopped || !status) return;
    const invocationTime = clock.now();
    const input: TimerInfoJson = {
      Schedule: { AdjustForDST: this.#config.schedule.adjustForDst },
      ScheduleStatus: this.#monitor ? toScheduleStatusJson(status, zone, invocationTime) : null,
      IsPastDue: reason === 'pastDue',
    };
    const triggerData: RpcTypedData = { json: JSON.stringify(input) };
    const delays = retry?.delays();
    let lastError: Error | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const request: InvocationRequest = { functionName, triggerData };
      if (retry) {
        request.retryContext = {
          retryCount: attempt,
          maxRetryCount: retry.maxRetryCount,
          ...(lastError && { exception: describeFailure(lastError) }),
        };
      }
      const outcome = await this.#deps.invoke(request);
      if (outcome.status === 'success') break;
      const retriesLeft = retry && (retry.maxRetryCount === -1 || attempt < retry.maxRetryCount);
      if (!retry || !delays || !retriesLeft) {
        logger.error(
          `Timer '${functionName}' failed: ${outcome.error.message}. The schedule continues.`,
          retry ? { retries: attempt } : {},
        );
        break;
      }
      const delay = delays.next();
      logger.warn(
        `Timer '${functionName}' failed; retry ${attempt + 1}${retry.maxRetryCount === -1 ? '' : ` of ${retry.maxRetryCount}`} in ${delay} ms.`,
      );
      lastError = outcome.error;
      if (!(await this.#wait(delay))) return;
    }
    // A timer that fired a moment early still counts as the occurrence it was armed for.
    const adjusted = reason === 'schedule' && status.next > invocationTime ? status.next : invocationTime;
    this.#status = { last: adjusted, next: this.#nextAfter(adjusted), lastUpdated: adjusted };
    if (this.#monitor) {
      await store
        .write(functionName, this.#status)
        .catch((error: Error) =>
          logger.warn(`Could not save the schedule status of '${functionName}': ${error.message}`),
        );
    }
  }

  /** Waits on the clock; false if the listener stopped meanwhile. */
  #wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const cancel = this.#deps.clock.schedule(this.#deps.clock.now() + ms, () => {
        this.#cancelRetryWait = undefined;
        this.#setBusy(true);
        resolve(!this.#stopped);
      });
      this.#cancelRetryWait = () => {
        cancel();
        this.#cancelRetryWait = undefined;
        resolve(false);
      };
      this.#setBusy(false);
    });
  }
}

function describeFailure(error: Error): Record<string, string> {
  return error.stack === undefined
    ? { message: error.message }
    : { message: error.message, stackTrace: error.stack };
}
