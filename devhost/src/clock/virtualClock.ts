import type { Clock } from './clock';
import { parseDuration, type Duration } from './duration';

/** Where virtual time starts unless told otherwise: a fixed instant, so runs are reproducible. */
export const DEFAULT_VIRTUAL_START = Date.UTC(2030, 0, 1, 0, 0, 0);

/**
 * Work a virtual clock awaits after each callback (e.g. "until the engine is idle"). Resolves
 * `true` when it found work to wait for: that work may have left work for another hook.
 */
export type SettleHook = () => Promise<boolean | void>;

/** Passes after which settling gives up: hooks that always find work would otherwise spin forever. */
const MAX_SETTLE_PASSES = 1000;

export interface AdvanceOptions {
  /**
   * Default true: after each callback, wait until the settle hooks find nothing to do. `false`
   * only lets pending I/O and promises run, so time can move while work is still running (e.g.
   * past a lease while an activity is blocked).
   */
  settle?: boolean;
}

interface Scheduled {
  at: number;
  order: number;
  callback: () => void;
}

/**
 * Time that moves only when told to. `advance` fires every due callback in time order, setting
 * `now` to each one's time first, and lets the host settle (run the episodes the callback
 * enabled) before the next, so a chain of timers behaves as it would in real time.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly queue: Scheduled[] = [];
  private readonly settleHooks = new Set<SettleHook>();
  private order = 0;

  constructor(start: number | Date | string = DEFAULT_VIRTUAL_START) {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.current))
      throw new RangeError(`Cannot start a virtual clock at '${String(start)}'.`);
  }

  now(): number {
    return this.current;
  }

  schedule(at: number, callback: () => void): () => void {
    const entry: Scheduled = { at, order: this.order++, callback };
    this.queue.push(entry);
    if (at <= this.current) setImmediate(() => this.fireDue());
    return () => {
      const index = this.queue.indexOf(entry);
      if (index >= 0) this.queue.splice(index, 1);
    };
  }

  /**
   * Registers work to await after each fired callback (e.g. "until the engine is idle"). The
   * clock runs every hook again while any of them found work, so a timer run that starts an
   * orchestration has it run at this instant, not after time moves on.
   */
  onSettle(hook: SettleHook): () => void {
    this.settleHooks.add(hook);
    return () => this.settleHooks.delete(hook);
  }

  /** Moves time forward by `duration`, firing everything that falls due in order. */
  async advance(duration: Duration, options: AdvanceOptions = {}): Promise<void> {
    await this.advanceTo(this.current + parseDuration(duration), options);
  }

  async advanceTo(target: number | Date | string, options: AdvanceOptions = {}): Promise<void> {
    const until = typeof target === 'number' ? target : new Date(target).getTime();
    if (!Number.isFinite(until))
      throw new RangeError(`Cannot advance a virtual clock to '${String(target)}'.`);
    const step = options.settle === false ? nextTurn : () => this.settle();
    await step();
    for (;;) {
      const next = this.nextDue(until);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.callback();
      await step();
    }
    this.current = Math.max(this.current, until);
    await step();
  }

  /** Callbacks due at the current time that have not fired yet. */
  hasDue(): boolean {
    return this.queue.some((entry) => entry.at <= this.current);
  }

  /** Fires callbacks already due at the current time (in order), without moving time. */
  fireDue(): void {
    for (;;) {
      const next = this.nextDue(this.current);
      if (!next) return;
      next.callback();
    }
  }

  /** Time of the earliest pending callback, if any. */
  nextScheduledAt(): number | undefined {
    return this.queue.reduce<number | undefined>(
      (min, e) => (min === undefined || e.at < min ? e.at : min),
      undefined,
    );
  }

  private nextDue(until: number): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const entry of this.queue) {
      if (entry.at > until) continue;
      if (!best || entry.at < best.at || (entry.at === best.at && entry.order < best.order)) best = entry;
    }
    if (best) this.queue.splice(this.queue.indexOf(best), 1);
    return best;
  }

  private async settle(): Promise<void> {
    for (let pass = 1; ; pass++) {
      await nextTurn();
      let busy = false;
      for (const hook of [...this.settleHooks]) if ((await hook()) === true) busy = true;
      if (this.hasDue()) {
        this.fireDue();
        busy = true;
      }
      if (!busy) return;
      if (pass >= MAX_SETTLE_PASSES)
        throw new Error(
          `The host did not settle at virtual time ${new Date(this.current).toISOString()}: ` +
            `work kept appearing after ${MAX_SETTLE_PASSES} passes.`,
        );
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
