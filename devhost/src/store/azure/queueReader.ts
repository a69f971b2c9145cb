/**
 * Reads the hub's queues for messages this process did not send itself (another process's, or
 * ones left by a crash or a stop) into the table of held messages, 32 at a time. Each queue is
 * read on its own schedule: batch after batch while they bring new messages, then again after a
 * quarter of `maxPollMs`, backing off to `maxPollMs` while reads bring nothing. A timer keeps
 * reading however much local work there is, so
 * a message waiting in a queue is read within about `maxPollMs` and then delivered in its turn
 * (the table serves oldest first); a receive that finds nothing held reads the queues that are
 * due at once. At most `bufferThreshold` messages read from one queue are held at a time.
 */
import type { Clock } from '../../clock/clock';
import { EventType } from '../../protocol/history';
import type { LeaseTable } from '../leaseTable';
import type { TaskMessage } from '../taskHubStore';
import type { Held } from './heldMessages';
import type { FetchedMessage, TaskHubQueue } from './taskHubQueue';

export interface QueueReaderOptions {
  clock: Clock;
  table: LeaseTable<Held>;
  controlQueues: readonly TaskHubQueue[];
  workItems: TaskHubQueue;
  visibilityMs: number;
  maxPollMs: number;
  bufferThreshold: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** An unreadable message that names its instance: the store marks that instance Failed. */
  onUnreadable: (instanceId: string, reason: string) => Promise<void>;
  /** Deletes a held message again, now that a read brought its new pop receipt. */
  redelete: (held: Held) => void;
  /** Between lines about reads that keep failing (default 30 s). */
  failingRepeatMs?: number;
}

interface QueueState {
  readonly queue: TaskHubQueue;
  readonly activities: boolean;
  /** Real time of the next read. */
  at: number;
  backoff: number;
  running: Promise<number> | undefined;
  /** Messages read from this queue and still held. */
  held: number;
  /** Reads failing in a row: when it began, how many. */
  failing: { since: number; count: number } | undefined;
}

const BATCH = 32;
/** How soon a queue whose read-ahead is full is looked at again (no storage call until there is room). */
const FULL_RECHECK_MS = 50;
/**
 * While reads keep failing (storage down, or restarting), this long between log lines: each
 * queue's first failure is said at once, then one line for all the failing queues, not one per
 * read or per queue.
 */
const FAILING_REPEAT_MS = 30_000;

export class QueueReader {
  private readonly states = new Map<TaskHubQueue, QueueState>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** While reads fail: when the last line about them was said. */
  private failingSaidAt: number | undefined;

  constructor(private readonly options: QueueReaderOptions) {
    const add = (queue: TaskHubQueue, activities: boolean) =>
      this.states.set(queue, {
        queue,
        activities,
        at: 0,
        backoff: 0,
        running: undefined,
        held: 0,
        failing: undefined,
      });
    for (const queue of options.controlQueues) add(queue, false);
    add(options.workItems, true);
    this.arm();
  }

  /** Reads the control queues that are due; the number of new messages. */
  async readControl(): Promise<number> {
    const due = [...this.states.values()].filter((s) => !s.activities && s.at <= Date.now());
    const counts = await Promise.all(due.map((state) => this.read(state)));
    return counts.reduce((a, b) => a + b, 0);
  }

  readActivities(): Promise<number> {
    const state = this.states.get(this.options.workItems);
    return state && state.at <= Date.now() ? this.read(state) : Promise.resolve(0);
  }

  /** Reads a queue at the next chance (a message was sent there for reading back). */
  soon(queue: TaskHubQueue): void {
    const state = this.states.get(queue);
    if (!state) return;
    state.at = 0;
    state.backoff = 0;
    this.arm();
  }

  /** A message read from a queue is gone from the table: room for another. */
  forget(held: Held): void {
    const state = this.states.get(held.queue);
    if (state && held.read) state.held -= 1;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.states.values()].flatMap((s) => (s.running ? [s.running] : [])));
  }

  /** Keeps one timer, at the earliest due read. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    let at = Infinity;
    for (const state of this.states.values()) if (!state.running) at = Math.min(at, state.at);
    if (at === Infinity) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = Date.now();
        for (const state of this.states.values()) if (state.at <= now) void this.read(state);
        this.arm();
      },
      Math.max(0, at - Date.now()),
    );
    this.timer.unref();
  }

  /**
   * Says that a read failed: each queue's first failure of a run at once, then one line for all
   * the failing queues at most every `failingRepeatMs`.
   */
  private readFailed(state: QueueState, error: unknown): void {
    const now = Date.now();
    const { log, failingRepeatMs = FAILING_REPEAT_MS } = this.options;
    if (!state.failing) {
      state.failing = { since: now, count: 1 };
      this.failingSaidAt ??= now;
      log('warn', `Could not read the queue '${state.queue.name}': ${String(error)}`);
      return;
    }
    state.failing.count += 1;
    if (now - (this.failingSaidAt ?? now) < failingRepeatMs) return;
    this.failingSaidAt = now;
    const failing = [...this.states.values()].flatMap((s) =>
      s.failing ? [{ ...s.failing, name: s.queue.name }] : [],
    );
    const reads = failing.reduce((sum, f) => sum + f.count, 0);
    const seconds = Math.round((now - Math.min(...failing.map((f) => f.since))) / 1000);
    const which =
      failing.length === 1
        ? `the queue '${failing[0]?.name ?? state.queue.name}'`
        : `${failing.length} queues (${failing.map((f) => `'${f.name}'`).join(', ')})`;
    log('warn', `Still cannot read ${which} (${reads} failed reads over ${seconds} s): ${String(error)}`);
  }

  /** One read of a queue: batches of 32 while they bring new messages and there is room. */
  private read(state: QueueState): Promise<number> {
    if (state.running) return state.running;
    if (this.closed) return Promise.resolve(0);
    const { visibilityMs, maxPollMs, bufferThreshold, log } = this.options;
    const run = (async () => {
      let added = 0;
      try {
        while (state.held < bufferThreshold && !this.closed) {
          const batch = await state.queue.receive(BATCH, visibilityMs);
          let fresh = 0;
          for (const fetched of batch) {
            if (!(await this.adopt(state, fetched))) continue;
            // Counted as it goes, so a read that fails midway still wakes the pumps for these.
            fresh += 1;
            added += 1;
          }
          // Messages held here already come back once their hiding in Azure lapses: no reason to go on.
          if (batch.length < BATCH || fresh === 0) break;
        }
        if (state.failing) {
          const { count, since } = state.failing;
          state.failing = undefined;
          if (![...this.states.values()].some((s) => s.failing)) this.failingSaidAt = undefined;
          log(
            'info',
            `The queue '${state.queue.name}' is read again, after ${count} failed ${count === 1 ? 'read' : 'reads'} over ${Math.round((Date.now() - since) / 1000)} s.`,
          );
        }
      } catch (error) {
        this.readFailed(state, error);
      } finally {
        state.running = undefined;
      }
      // A backlog is read within one read (batches go on while they bring new messages); after
      // it, look again after a quarter of the longest pause, and back off while nothing comes.
      const shortest = maxPollMs / 4;
      state.backoff = added > 0 ? shortest : Math.min(maxPollMs, Math.max(shortest, state.backoff * 2));
      // Full of messages read here: look again soon, without reading until there is room.
      state.at = Date.now() + (state.held >= bufferThreshold ? FULL_RECHECK_MS : state.backoff);
      this.arm();
      // Control messages wake the pumps once the read is done (above), with the next read already
      // scheduled, so a pump that finds nothing to lease does not read this queue again at once.
      if (added > 0 && !state.activities) this.options.table.notify();
      return added;
    })();
    state.running = run;
    return run;
  }

  /** Takes a message read from a queue into the table; true when it is new work. */
  private async adopt(state: QueueState, fetched: FetchedMessage): Promise<boolean> {
    const { table, clock, log, visibilityMs } = this.options;
    const { queue, activities } = state;
    const known = activities
      ? table.activityMessage(fetched.messageId)
      : table.controlMessage(fetched.messageId);
    if (known) {
      known.popReceipt = fetched.popReceipt;
      // A delete that found the receipt it had stale goes again with this one.
      if (known.redelete) this.options.redelete(known.redelete);
      return false;
    }
    if (!fetched.message) {
      const reason = fetched.error?.message ?? 'unreadable message';
      const instanceId = fetched.error?.instanceId;
      log('error', `Discarded a queue message from '${queue.name}': ${reason}`);
      await queue.delete(fetched.messageId, fetched.popReceipt, fetched.blobName);
      if (instanceId !== undefined) await this.options.onUnreadable(instanceId, reason);
      return false;
    }
    const now = clock.now();
    const due = dueTime(fetched.message);
    if (due !== undefined && due - now > visibilityMs) {
      // Delivered early (Azure caps a delay at 7 days, or it was hidden in real time): hide it again.
      await queue.hide(fetched.messageId, fetched.popReceipt, due - now);
      return false;
    }
    const held: Held = {
      messageId: fetched.messageId,
      queue,
      read: true,
      instanceId: fetched.message.orchestrationInstance.InstanceId,
      message: fetched.message,
      insertedAt: fetched.insertedAt,
      firstDequeueCount: fetched.dequeueCount,
      blobName: fetched.blobName,
      popReceipt: fetched.popReceipt,
      seq: 0,
      // A timer read ahead of its time is held until then; the table wakes up for it.
      visibleAt: Math.max(now, due ?? now),
      receipt: '',
      deliveries: 0,
      holds: 0,
      deleting: false,
    };
    state.held += 1;
    // Activities wake the pumps at once. Control messages wake them once the read is done, so a
    // deep queue's messages for one instance usually go out in one work item, not one per batch.
    if (activities) table.addActivity(held);
    else table.addControl(held, false);
    return true;
  }
}

/** When a timer or scheduled start is due, from the message itself (survives restarts). */
function dueTime(message: TaskMessage): number | undefined {
  const event = message.event;
  const at =
    event.EventType === EventType.TimerFired
      ? event.FireAt
      : event.EventType === EventType.ExecutionStarted
        ? event.ScheduledStartTime
        : null;
  if (at === null) return undefined;
  const time = Date.parse(at);
  return Number.isFinite(time) ? time : undefined;
}
