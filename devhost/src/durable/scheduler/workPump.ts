/**
 * Pulls work items and runs at most `capacity` of them at once (the host.json
 * `maxConcurrent*Functions` limits). Woken by `kick()`; reports idleness so tests can wait for
 * "nothing left to do at this instant". `halt()` stops taking items at once, and the items still
 * running can be listed, so a shutdown can hand them back instead of waiting for them.
 */
export interface WorkPumpOptions<T> {
  name: string;
  capacity: number;
  receive: () => Promise<T | undefined>;
  handle: (item: T) => Promise<void>;
  onError: (error: unknown) => void;
  /** An item a receive returned after `halt()`: give it back unrun. Default: run it. */
  giveBack?: (item: T) => Promise<void>;
}

export class WorkPump<T> {
  private readonly items = new Set<T>();
  private running = 0;
  private pumping = false;
  private again = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  /** Highest number of items that ran at once; the concurrency tests read it. */
  peakConcurrency = 0;

  constructor(private readonly options: WorkPumpOptions<T>) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(
        `${options.name}: the concurrency limit must be a whole number >= 1; got ${options.capacity}.`,
      );
    }
  }

  get active(): number {
    return this.running;
  }

  get idle(): boolean {
    return !this.pumping && !this.again && this.running === 0;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /** Resolves once nothing is running and the last receive found nothing. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking new items; the running ones go on. */
  halt(): void {
    this.stopped = true;
    this.again = false;
  }

  /** Stops taking new items and waits for the running ones. */
  async stop(): Promise<void> {
    this.halt();
    await this.whenIdle();
  }

  /** Items being handled right now. */
  get runningItems(): T[] {
    return [...this.items];
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (!this.stopped && this.running < this.options.capacity) {
          let item: T | undefined;
          try {
            item = await this.options.receive();
          } catch (error) {
            this.options.onError(error);
            break;
          }
          if (item === undefined) break;
          if (this.stopped && this.options.giveBack) {
            await this.options.giveBack(item).catch((error: unknown) => this.options.onError(error));
            break;
          }
          this.start(item);
        }
      } while (this.again && !this.stopped);
    } finally {
      this.pumping = false;
      this.settle();
    }
  }

  private start(item: T): void {
    this.running += 1;
    this.items.add(item);
    this.peakConcurrency = Math.max(this.peakConcurrency, this.running);
    this.options
      .handle(item)
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.running -= 1;
        this.items.delete(item);
        if (this.stopped) this.settle();
        else this.kick();
      });
  }

  private settle(): void {
    if (!this.idle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
