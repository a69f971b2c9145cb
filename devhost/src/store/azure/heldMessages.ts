/**
 * The queue messages this process holds, over the shared lease table: messages it enqueues itself
 * go straight in (and stay hidden in Azure), others are read from the queues 32 at a time. While
 * the process owns the hub's partitions the table is the authority on leases and delays, on the
 * store's clock; Azure visibility (`visibilityMs`, real time) only decides how soon another process,
 * or this one after a crash, sees a message again. A held message that shows up again in a read is
 * recognised by its id and stays held.
 */
import type { Clock } from '../../clock/clock';
import type { HeldMessage } from '../heldMessage';
import { LeaseTable } from '../leaseTable';
import { controlQueueIndex, queueFor } from '../routing';
import type { OutboundMessage, TaskMessage } from '../taskHubStore';
import { QueueReader } from './queueReader';
import type { DeleteOutcome, TaskHubQueue } from './taskHubQueue';

/** Real time `close()` spends giving held messages back before it leaves the rest to their visibility window. */
const GIVE_BACK_BUDGET_MS = 2_000;

export interface Held extends HeldMessage {
  readonly queue: TaskHubQueue;
  /** Read from the queue (rather than sent by this process). */
  readonly read: boolean;
  /** The blob of a large message, deleted with it. */
  readonly blobName: string | undefined;
  /** The queue's pop receipt (changes when a read returns the message again). */
  popReceipt: string;
  /** Times held back as out of order. */
  holds: number;
  /**
   * An activity result held without a queue copy of its own (`holdResult`): the activity's
   * work-item message, which stays in its queue until the checkpoint that records the result.
   */
  readonly anchor?: Held;
  /**
   * A delete found this message received again since its pop receipt (by this process's reader,
   * whose answer was still on its way, or by another process): the held message whose delete
   * is repeated when a read brings the new receipt. Until then it stays in the table, so that
   * read does not take it for new work.
   */
  redelete?: Held;
}

export interface HeldMessagesOptions {
  clock: Clock;
  controlQueues: readonly TaskHubQueue[];
  workItems: TaskHubQueue;
  visibilityMs: number;
  maxPollMs: number;
  /** Messages read from one queue and held at a time. */
  bufferThreshold: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** An unreadable message that names its instance: the store marks that instance Failed. */
  onUnreadable: (instanceId: string, reason: string) => Promise<void>;
}

export interface SentMessage {
  publish(): void;
  discard(): Promise<void>;
}

/**
 * Activity messages enqueued here are held locally up to this many (about 1-2 KB each); beyond it
 * they are read back from the queue in batches, which costs more the deeper the queue is.
 */
const MAX_LOCAL_ACTIVITIES = 20_000;

export class HeldMessages {
  readonly table: LeaseTable<Held>;
  readonly reader: QueueReader;
  private readonly deleting = new Set<Promise<void>>();

  constructor(private readonly options: HeldMessagesOptions) {
    this.table = new LeaseTable(options.clock);
    this.reader = new QueueReader({
      ...options,
      table: this.table,
      redelete: (held) => this.deleteSoon([held]),
    });
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
      await queue.delete(sent.messageId, sent.popReceipt, sent.blobName);
    };
    if (!heldHere) {
      // Enough held here already: this one is read from the queue later, in batches.
      const publish = (): void => this.reader.soon(queue);
      return { publish, discard };
    }
    const publish = (): void => {
      const held: Held = {
        messageId: sent.messageId,
        queue,
        read: false,
        instanceId,
        message: outbound.message,
        insertedAt: now,
        firstDequeueCount: 1,
        // Deleted with the message, as the blob of a message read from a queue is.
        blobName: sent.blobName,
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

  /**
   * Holds an activity's result for its instance without sending it: the activity's work-item
   * message (`activity`, marked done here so it never runs again) stays in its queue and is the
   * result's durable copy until the checkpoint that consumes the result deletes it. A crash before
   * that checkpoint makes the work item visible again and the activity runs again, exactly as a
   * crash between the activity's side effects and its result message always could; a crash after
   * it leaves a work item whose result the history already has, dropped as a duplicate.
   * DTF sends the result to the instance's control queue instead: two storage calls (a send and a
   * delete) more per activity, one of them on the orchestration's path.
   */
  holdResult(result: TaskMessage, activity: Held): void {
    const now = this.options.clock.now();
    this.table.markDeleting([activity]);
    this.table.addControl({
      messageId: `${activity.messageId}/result`,
      queue: activity.queue,
      read: false,
      instanceId: result.orchestrationInstance.InstanceId,
      message: result,
      insertedAt: now,
      firstDequeueCount: 1,
      blobName: undefined,
      popReceipt: '',
      seq: 0,
      visibleAt: now,
      receipt: '',
      deliveries: 0,
      holds: 0,
      deleting: false,
      anchor: activity,
    });
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
    // A result held without a queue copy is deleted by deleting its activity's message.
    const stored = held.anchor ?? held;
    stored.redelete = undefined;
    let outcome: DeleteOutcome | undefined;
    try {
      // The receipt is taken when the call goes out; a read answered meanwhile may have brought
      // a newer one: retry with it.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        let receipt = '';
        outcome = await stored.queue.delete(
          stored.messageId,
          () => (receipt = stored.popReceipt),
          stored.blobName,
        );
        if (outcome !== 'stale' || stored.popReceipt === receipt) break;
      }
    } finally {
      if (outcome === 'stale') {
        // Still in its queue, and its hiding ends within the visibility window: the read that
        // returns it finds it here and brings the receipt the delete needs.
        stored.redelete = held;
      } else {
        for (const gone of held.anchor ? [held, held.anchor] : [held]) {
          if (this.table.activityMessage(gone.messageId) === gone) this.table.removeActivity(gone);
          else this.table.removeControl(gone);
          this.reader.forget(gone);
        }
      }
    }
  }

  /** Stops delivering and reading (the held messages stay, for `close` to give back). */
  async stopReading(): Promise<void> {
    this.table.close();
    await this.reader.close();
  }

  /**
   * Gives back what is held here but not done, so the next owner need not wait for it to show up:
   * in the order they were enqueued, one at a time, so the queue keeps that order.
   */
  async close(): Promise<void> {
    await this.stopReading();
    await Promise.allSettled([...this.deleting]);
    // Give back what is held here but not done, so the next owner need not wait for it to show up;
    // only for a while: with a backlog of thousands this would hold a shutdown up for minutes, and
    // what is not given back shows up anyway once its visibility window ends.
    const now = this.options.clock.now();
    const giveBackUntil = Date.now() + GIVE_BACK_BUDGET_MS;
    for (const held of this.table.held()) {
      if (Date.now() > giveBackUntil) break;
      // A result held without a queue copy: its activity's message is given back, to run again.
      const stored = held.anchor ?? held;
      // Bounded by the budget, retries included (with storage gone, the client's retries alone
      // took about 30 s).
      await stored.queue
        .hide(
          stored.messageId,
          stored.popReceipt,
          Math.max(0, held.anchor ? 0 : held.visibleAt - now),
          AbortSignal.timeout(Math.max(1, giveBackUntil - Date.now())),
        )
        .catch(() => undefined);
    }
  }

  private controlQueue(instanceId: string): TaskHubQueue {
    const queues = this.options.controlQueues;
    return queues[controlQueueIndex(instanceId, queues.length)] as TaskHubQueue;
  }
}
