/**
 * Every storage call the store makes goes through here: counted by service (the benchmarks read
 * the counts) and limited to a few in flight, so a burst (a fan-out's sends, a checkpoint's
 * deletes) waits here instead of queueing inside the storage emulator, where a status read would
 * wait behind all of it. Waiting calls go by priority: reads first (status, episode history), then
 * writes on a checkpoint's path, then background work (deletes, hides), except a backlog of it
 * (below); background work still gets every fourth free slot, so it never starves.
 *
 * A few background calls are worth no more than a few slots: Azurite serves its requests one after
 * the other, so the deletes an orchestration leaves when it completes would otherwise all be in
 * Azurite ahead of the next start's send (one client's five-step workflow spent a third of its
 * time so). Until a backlog builds up, at most two background calls are in flight.
 *
 * A backlog goes ahead of the writes, though. Every queue call in Azurite scans all the messages
 * its account holds, so each message a delete leaves behind makes every later call dearer; with
 * a quarter of the slots, deletes fell behind the sends of a long batch (thousands pending), and
 * everything slowed with them. Deletes never outnumber the sends before them, so writes wait at
 * most for the backlog to shrink below its threshold. Queue reads count as writes here (a read
 * hides what it returns), so they wait behind a backlog too; reads of rows and blobs do not.
 */
export type StorageService = 'table' | 'queue' | 'blob';
export type CallPriority = 'read' | 'write' | 'background';

/** In flight at once: enough to keep a storage emulator busy, few enough that nothing waits long in it. */
const DEFAULT_MAX_IN_FLIGHT = 16;
const BACKGROUND_SHARE = 4;
/**
 * Background calls in flight while fewer than `BACKGROUND_BACKLOG` are pending; from then on as
 * many as fit, ahead of the writes.
 */
const QUIET_BACKGROUND_IN_FLIGHT = 2;
const BACKGROUND_BACKLOG = 32;
/**
 * A call with no answer after this long fails (its slot is freed; the request itself is left to
 * end or not). Azurite was seen, once in a soak, never to answer a queue read: the reader of that
 * queue waited on it for good and the activities in it never ran. Each call is one request of at
 * most 100 rows or 32 messages, which a busy emulator answers in well under a second, and every
 * caller takes a failure as storage trouble it recovers from (a read goes again, a checkpoint is
 * retried, a message not deleted is delivered again and dropped as a duplicate).
 */
const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** A storage call that got no answer within the store's timeout. */
export class StorageCallTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`A storage call got no answer within ${timeoutMs / 1000} s; it counts as failed.`);
    this.name = 'StorageCallTimeoutError';
  }
}

export class StorageCalls {
  readonly counts: Record<StorageService, number> = { table: 0, queue: 0, blob: 0 };
  private inFlight = 0;
  private backgroundInFlight = 0;
  private grants = 0;
  private readonly waiting: Record<CallPriority, (() => void)[]> = { read: [], write: [], background: [] };

  constructor(
    private readonly maxInFlight = DEFAULT_MAX_IN_FLIGHT,
    private readonly callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  ) {}

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
    if (!this.tryStart(priority)) {
      await new Promise<void>((resolve) => {
        this.waiting[priority].push(resolve);
        // A call held back with slots free (background work short of a backlog) may now start.
        this.grantFreeSlots();
      });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = call();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StorageCallTimeoutError(this.callTimeoutMs)), this.callTimeoutMs);
        timer.unref();
      });
      // Should the call end after its timeout, nobody waits for it any more.
      answer.catch(() => undefined);
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
      this.inFlight -= 1;
      if (priority === 'background') this.backgroundInFlight -= 1;
      this.grantFreeSlots();
    }
  }

  /** Takes a slot at once when nothing of this priority or above waits and one is free. */
  private tryStart(priority: CallPriority): boolean {
    const { read, write, background } = this.waiting;
    const backlog = background.length >= BACKGROUND_BACKLOG;
    const ahead =
      priority === 'read'
        ? read.length
        : priority === 'write'
          ? read.length + write.length + (backlog ? background.length : 0)
          : read.length + write.length + background.length;
    if (ahead > 0 || this.inFlight >= this.maxInFlight) return false;
    if (priority === 'background' && !this.backgroundMayStart()) return false;
    this.take(priority);
    return true;
  }

  /** Hands free slots to waiting calls, by priority, background every `BACKGROUND_SHARE`th grant. */
  private grantFreeSlots(): void {
    const { read, write, background } = this.waiting;
    while (this.inFlight < this.maxInFlight) {
      const backgroundReady = background.length > 0 && this.backgroundMayStart();
      const backgroundTurn = backgroundReady && this.grants % BACKGROUND_SHARE === 0;
      const backlog = background.length >= BACKGROUND_BACKLOG;
      let next: (() => void) | undefined;
      if (!backgroundTurn && read.length > 0) {
        next = read.shift();
        this.take('read');
      } else if (!backgroundTurn && !backlog && write.length > 0) {
        next = write.shift();
        this.take('write');
      } else if (backgroundReady) {
        next = background.shift();
        this.take('background');
      } else {
        return;
      }
      next?.();
    }
  }

  private backgroundMayStart(): boolean {
    return (
      this.backgroundInFlight < QUIET_BACKGROUND_IN_FLIGHT ||
      this.backgroundInFlight + this.waiting.background.length >= BACKGROUND_BACKLOG
    );
  }

  private take(priority: CallPriority): void {
    this.inFlight += 1;
    this.grants += 1;
    if (priority === 'background') this.backgroundInFlight += 1;
  }
}
