/**
 * Entries that fall due at known times, with one clock timer armed at the earliest live one.
 * Entries are never removed in place: one that went stale (`isLive` false) is skipped when it
 * comes up, so a lease that ends early leaves no timer behind.
 */
import type { Clock } from '../clock/clock';
import { MinHeap } from './minHeap';

export interface DueTimesOptions<T> {
  clock: Clock;
  isLive: (entry: T) => boolean;
  /** Called for each live entry once the clock has reached its time. */
  onDue: (entry: T, now: number) => void;
  /** Called after the timer fired and every due entry was handled. */
  onWake: () => void;
}

export class DueTimes<T> {
  private readonly heap = new MinHeap<T>();
  private wake: { at: number; cancel: () => void } | undefined;
  private closed = false;

  constructor(private readonly options: DueTimesOptions<T>) {}

  push(at: number, entry: T): void {
    this.heap.push(at, entry);
  }

  /** Handles every live entry due by `now`. */
  drain(now: number): void {
    for (let top = this.heap.peek(); top && top.key <= now; top = this.heap.peek()) {
      this.heap.pop();
      if (this.options.isLive(top.value)) this.options.onDue(top.value, now);
    }
  }

  /** Arms the timer at the earliest live entry (or disarms it when there is none). */
  arm(): void {
    if (this.closed) return;
    const { clock, isLive } = this.options;
    for (let top = this.heap.peek(); top && !isLive(top.value); top = this.heap.peek()) this.heap.pop();
    const at = this.heap.peek()?.key;
    if (at === this.wake?.at) return;
    this.wake?.cancel();
    this.wake = undefined;
    if (at === undefined) return;
    const wake = { at, cancel: (): void => undefined };
    wake.cancel = clock.schedule(at, () => {
      if (this.wake !== wake) return;
      this.wake = undefined;
      this.drain(clock.now());
      this.arm();
      this.options.onWake();
    });
    this.wake = wake;
  }

  close(): void {
    this.closed = true;
    this.wake?.cancel();
    this.wake = undefined;
    this.heap.clear();
  }
}
