/**
 * Every storage call the store makes goes through here: counted by service (the benchmarks read
 * the counts) and limited to a few in flight, so a burst (a fan-out's sends, a checkpoint's
 * deletes) waits here instead of queueing inside the storage emulator, where a status read would
 * wait behind all of it. Waiting calls go by priority: reads first (status, episode history), then
 * writes on a checkpoint's path, then background work (deletes, hides); background work still gets
 * every fourth free slot, so it never starves.
 */
export type StorageService = 'table' | 'queue' | 'blob';
export type CallPriority = 'read' | 'write' | 'background';

/** In flight at once: enough to keep a storage emulator busy, few enough that nothing waits long in it. */
const DEFAULT_MAX_IN_FLIGHT = 16;
const BACKGROUND_SHARE = 4;

export class StorageCalls {
  readonly counts: Record<StorageService, number> = { table: 0, queue: 0, blob: 0 };
  private inFlight = 0;
  private grants = 0;
  private readonly waiting: Record<CallPriority, (() => void)[]> = { read: [], write: [], background: [] };

  constructor(private readonly maxInFlight = DEFAULT_MAX_IN_FLIGHT) {}

  get total(): number {
    return this.counts.table + this.counts.queue + this.counts.blob;
  }

  count(service: StorageService, n = 1): void {
    this.counts[service] += n;
  }

  /** Counts one call and runs it when a slot is free. */
  run<T>(service: StorageService, priority: CallPriority, call: () => Promise<T>): Promise<T> {
    this.count(service);
    return this.limit(priority, call);
  }

  /** Runs a call when a slot is free, without counting it (the caller counts what it sends). */
  async limit<T>(priority: CallPriority, call: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.maxInFlight)
      await new Promise<void>((resolve) => this.waiting[priority].push(resolve));
    else this.inFlight += 1;
    try {
      return await call();
    } finally {
      this.release();
    }
  }

  /** Hands the slot to the next waiting call (the slot stays taken), or frees it. */
  private release(): void {
    const { read, write, background } = this.waiting;
    this.grants += 1;
    const backgroundTurn = this.grants % BACKGROUND_SHARE === 0 && background.length > 0;
    const next = backgroundTurn ? background.shift() : (read.shift() ?? write.shift() ?? background.shift());
    if (next) next();
    else this.inFlight -= 1;
  }
}
