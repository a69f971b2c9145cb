import type { Clock } from './clock';
import { parseDuration, type Duration } from './duration';

/** Where virtual time starts unless told otherwise: a fixed instant, so runs are reproducible. */
export const DEFAULT_VIRTUAL_START = Date.UTC(2030, 0, 1, 0, 0, 0);

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
  private readonly settleHooks = new Set<() => Promise<void>>();
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

  /** Registers work to await after each fired callback (e.g. "until the engine is idle"). */
  onSettle(hook: () => Promise<void>): () => void {
    this.settleHooks.add(hook);
    return () => this.settleHooks.delete(hook);
  }

  /** Moves time forward by `duration`, firing everything that falls due in order. */
  async advance(duration: Duration): Promise<void> {
    await this.advanceTo(this.current + parseDuration(duration));
  }

  async advanceTo(target: number | Date | string): Promise<void> {
    const until = typeof target === 'number' ? target : new Date(target).getTime();
    if (!Number.isFinite(until))
      throw new RangeError(`Cannot advance a virtual clock to '${String(target)}'.`);
    await this.settle();
    for (;;) {
      const next = this.nextDue(until);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      next.callback();
      await this.settle();
    }
    this.current = Math.max(this.current, until);
    await this.settle();
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
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const hook of [...this.settleHooks]) await hook();
  }
}
