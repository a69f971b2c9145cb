/**
 * The queue messages this process holds, over the shared lease table: messages it enqueues itself
 * go straight in (and stay hidden in Azure), others are read from the queues 32 at a time. While
 * the process owns the hub's partitions the table is the authority on leases and delays, on the
 * store's clock; Azure visibility (`visibilityMs`, real time) only decides how soon another process,
 * or this one after a crash, sees a message again. A held message that shows up again in a read is
 * recognised by its id and stays held.
 */
import type { Clock } from '../../clock/clock';
import { EventType } from '../../protocol/history';
import { LeaseTable, type HeldMessage } from '../leaseTable';
import { controlQueueIndex, queueFor } from '../routing';
import type { OutboundMessage, TaskMessage } from '../taskHubStore';
import type { FetchedMessage, TaskHubQueue } from './taskHubQueue';

export interface Held extends HeldMessage {
  readonly queue: TaskHubQueue;
  /** The blob of a large message, deleted with it. */
  readonly blobName: string | undefined;
  /** The queue's pop receipt (changes when a read returns the message again). */
  popReceipt: string;
  /** Times held back as out of order. */
  holds: number;
}

export interface HeldMessagesOptions {
  clock: Clock;
  controlQueues: readonly TaskHubQueue[];
  workItems: TaskHubQueue;
  visibilityMs: number;
  maxPollMs: number;
  /** Messages read ahead per queue kind before the local table is considered full. */
  bufferThreshold: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** An unreadable message that names its instance: the store marks that instance Failed. */
  onUnreadable: (instanceId: string, reason: string) => Promise<void>;
}

export interface SentMessage {
  publish(): void;
  discard(): Promise<void>;
}

const BATCH = 32;
/** Messages enqueued here are held locally up to this many; beyond it they are read in batches. */
const MAX_LOCAL_ACTIVITIES = 1000;

export class HeldMessages {
  readonly table: LeaseTable<Held>;
  private readonly nextPoll = new Map<TaskHubQueue, { at: number; backoff: number }>();
  private readonly fetching = new Map<TaskHubQueue, Promise<number>>();
  private readonly deleting = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: HeldMessagesOptions) {
    this.table = new LeaseTable(options.clock);
  }

  /**
   * Enqueues durably. `publish` then makes the message deliverable by this process; `discard`
   * deletes it instead (a start that lost its race), before anyone could have seen it.
   */
  async send(outbound: OutboundMessage): Promise<SentMessage> {
    const { clock, visibilityMs } = this.options;
    const now = clock.now();
    const visibleAt = Math.max(now, outbound.visibleAt ?? now);
    const toWorkItems = queueFor(outbound.message) === 'workItems';
    const instanceId = outbound.message.orchestrationInstance.InstanceId;
    const queue = toWorkItems ? this.options.workItems : this.controlQueue(instanceId);
    const heldHere = !toWorkItems || this.table.activityCount < MAX_LOCAL_ACTIVITIES;
    // A message held here stays hidden in Azure too, so no read (this process's or another's)
    // takes it before it is published below; after a crash it shows up like any held message.
    const sent = await queue.send(
      outbound.message,
      heldHere ? Math.max(visibleAt - now, visibilityMs) : visibleAt - now,
    );
    const discard = async (): Promise<void> => {
      await queue.delete(sent.messageId, sent.popReceipt);
    };
    if (!heldHere) {
      // Enough held here already: this one is read from the queue later, in batches.
      const publish = (): void => {
        this.nextPoll.delete(queue);
        this.table.notify();
      };
      return { publish, discard };
    }
    const publish = (): void => {
      const held: Held = {
        messageId: sent.messageId,
        queue,
        instanceId,
        message: outbound.message,
        insertedAt: now,
        firstDequeueCount: 1,
        blobName: undefined,
        popReceipt: sent.popReceipt,
        seq: 0,
        visibleAt,
        receipt: '',
        deliveries: 0,
        holds: 0,
        deleting: false,
      };
      if (toWorkItems) this.table.addActivity(held);
      else this.table.addControl(held);
    };
    return { publish, discard };
  }

  /** Reads every control queue once (more while batches come back full); the number of new messages. */
  async fetchControl(): Promise<number> {
    const counts = await Promise.all(this.options.controlQueues.map((queue) => this.fetch(queue, false)));
    return counts.reduce((a, b) => a + b, 0);
  }

  fetchActivities(): Promise<number> {
    return this.fetch(this.options.workItems, true);
  }

  /**
   * Deletes messages in the background (they are never delivered again from now on); `close`
   * waits for them. A delete that fails leaves the message in its queue, to be read and dropped
   * as a duplicate later.
   */
  deleteSoon(messages: readonly Held[]): void {
    this.table.markDeleting(messages);
    for (const held of messages) {
      const deleting = this.delete(held)
        .catch((error: unknown) =>
          this.options.log('warn', `Could not delete a message from '${held.queue.name}': ${String(error)}`),
        )
        .finally(() => this.deleting.delete(deleting));
      this.deleting.add(deleting);
    }
  }

  /** Deletes a held message from its queue and the table; retries with a newer pop receipt. */
  async delete(held: Held): Promise<void> {
    this.table.markDeleting([held]);
    try {
      // A concurrent read may have changed the pop receipt; retry with the new one.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const receipt = held.popReceipt;
        if (await held.queue.delete(held.messageId, receipt, held.blobName)) break;
        if (held.popReceipt === receipt) break;
      }
    } finally {
      if (this.table.activityMessage(held.messageId) === held) this.table.removeActivity(held);
      else this.table.removeControl(held);
    }
  }

  /**
   * Gives back what is held here but not done, so the next owner need not wait for it to show up:
   * in the order they were enqueued, one at a time, so the queue keeps that order.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.table.close();
    await Promise.allSettled([...this.fetching.values(), ...this.deleting]);
    const now = this.options.clock.now();
    for (const held of this.table.held()) {
      await held.queue
        .hide(held.messageId, held.popReceipt, Math.max(0, held.visibleAt - now))
        .catch(() => undefined);
    }
  }

  private controlQueue(instanceId: string): TaskHubQueue {
    const queues = this.options.controlQueues;
    return queues[controlQueueIndex(instanceId, queues.length)] as TaskHubQueue;
  }

  /** Reads a queue in batches of 32 (while batches come back full and the table has room). */
  private fetch(queue: TaskHubQueue, activities: boolean): Promise<number> {
    const running = this.fetching.get(queue);
    if (running) return running;
    const poll = this.nextPoll.get(queue);
    if (this.closed || (poll && poll.at > Date.now())) return Promise.resolve(0);
    const { visibilityMs, maxPollMs, bufferThreshold } = this.options;
    const run = (async () => {
      let added = 0;
      try {
        for (;;) {
          const batch = await queue.receive(BATCH, visibilityMs);
          for (const fetched of batch) if (await this.adopt(queue, activities, fetched)) added += 1;
          const size = activities ? this.table.activityCount : this.table.controlCount;
          if (batch.length < BATCH || size >= bufferThreshold || this.closed) break;
        }
      } finally {
        this.fetching.delete(queue);
      }
      const backoff = added > 0 ? 0 : Math.min(maxPollMs, Math.max(50, (poll?.backoff ?? 25) * 2));
      this.nextPoll.set(queue, { at: Date.now() + backoff, backoff });
      return added;
    })();
    this.fetching.set(queue, run);
    return run;
  }

  /** Takes a message read from Azure into the table; true when it is new work. */
  private async adopt(queue: TaskHubQueue, activities: boolean, fetched: FetchedMessage): Promise<boolean> {
    const known = activities
      ? this.table.activityMessage(fetched.messageId)
      : this.table.controlMessage(fetched.messageId);
    if (known) {
      known.popReceipt = fetched.popReceipt;
      return false;
    }
    if (!fetched.message) {
      const reason = fetched.error?.message ?? 'unreadable message';
      const instanceId = fetched.error?.instanceId;
      this.options.log('error', `Discarded a queue message from '${queue.name}': ${reason}`);
      await queue.delete(fetched.messageId, fetched.popReceipt, fetched.blobName);
      if (instanceId !== undefined) await this.options.onUnreadable(instanceId, reason);
      return false;
    }
    const now = this.options.clock.now();
    const due = dueTime(fetched.message);
    if (due !== undefined && due - now > this.options.visibilityMs) {
      // Delivered early (Azure caps a delay at 7 days, or it was hidden in real time): hide it again.
      await queue.hide(fetched.messageId, fetched.popReceipt, due - now);
      return false;
    }
    const held: Held = {
      messageId: fetched.messageId,
      queue,
      instanceId: fetched.message.orchestrationInstance.InstanceId,
      message: fetched.message,
      insertedAt: fetched.insertedAt,
      firstDequeueCount: fetched.dequeueCount,
      blobName: fetched.blobName,
      popReceipt: fetched.popReceipt,
      seq: 0,
      visibleAt: Math.max(now, due ?? now),
      receipt: '',
      deliveries: 0,
      holds: 0,
      deleting: false,
    };
    if (activities) this.table.addActivity(held);
    else this.table.addControl(held);
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
