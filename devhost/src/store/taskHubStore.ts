/**
 * The task hub's storage, shaped after the Durable Task Framework's Azure Storage provider so that
 * an implementation over Azure tables and queues maps onto it one call to one operation:
 *
 * - `<hub>Instances` table → {@link InstanceRow} (one row per instance id, the current execution);
 * - `<hub>History` table → the current execution's events, guarded by one ETag per instance
 *   (DTF's sentinel row);
 * - `<hub>-control-NN` queues (partitioned by instance id) → orchestration messages, delivered as
 *   one {@link OrchestrationWorkItem} per instance holding every visible message for it;
 * - `<hub>-workitems` queue → activity messages ({@link ActivityWorkItem});
 * - visibility delays → durable timers and scheduled starts (`visibleAt`).
 *
 * Delivery is at least once. A work item is leased (`lockMs`, a queue visibility timeout); if the
 * lease runs out before it is completed, its messages become visible again and may be handled twice.
 * Checkpoints follow DTF's order (enqueue outbound, write history + instance guarded by the ETag
 * read with the work item, delete the inbound messages), so a crash anywhere repeats work and
 * never loses it. All times are epoch milliseconds on the store's `Clock`.
 *
 * Time comes from the `Clock` the store is given, never from the wall clock directly: tests run the
 * engine on a virtual clock, so a store over real queues must also treat a message as invisible
 * until the clock reaches its `visibleAt` (e.g. keep `visibleAt` in the envelope and hide it
 * again when it is received early), and run its lease expiry on that clock.
 */
import type { HistoryEvent, OrchestrationInstanceRef, RuntimeStatus } from '../protocol/history';

/** A DTF `TaskMessage`: one history event addressed to one orchestration instance. */
export interface TaskMessage {
  event: HistoryEvent;
  /** `ExecutionId: null` addresses whichever execution is current (client events, terminate…). */
  orchestrationInstance: { InstanceId: string; ExecutionId: string | null };
  /** The instance that sent it, when another orchestration did. */
  sender?: OrchestrationInstanceRef;
}

/** A message as received from a queue: the lease on it is proved by `receipt`. */
export interface ReceivedMessage {
  readonly messageId: string;
  /** Queue pop receipt; changes on every receive, so a stale holder cannot delete the message. */
  readonly receipt: string;
  /** 1 on first delivery; more means the message was delivered before and not deleted. */
  readonly dequeueCount: number;
  readonly insertedAt: number;
  readonly message: TaskMessage;
}

/** One `<hub>Instances` row (DTFAS `OrchestrationInstanceStatus`). Times are ISO-8601 UTC. */
export interface InstanceRow {
  instanceId: string;
  executionId: string;
  name: string;
  version: string | null;
  /** JSON text, as stored. */
  input: string | null;
  /** JSON text of the result, or raw text (failure or terminate reason). */
  output: string | null;
  /** JSON text, or null when never set. */
  customStatus: string | null;
  runtimeStatus: RuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
  completedTime: string | null;
  scheduledStartTime: string | null;
  generation: number;
  parentInstanceId: string | null;
}

export interface StoredInstance extends InstanceRow {
  readonly etag: string;
}

export interface OrchestrationWorkItem {
  readonly instanceId: string;
  /** Every message for the instance that was visible when the lease was taken, in enqueue order. */
  readonly messages: readonly ReceivedMessage[];
  /** The instance row when the work item was taken, if any. */
  readonly instance: StoredInstance | undefined;
  /** Events of the instance's current execution (empty for a new instance). */
  readonly history: readonly HistoryEvent[];
  /** Execution the stored history belongs to; undefined when there is none. */
  readonly historyExecutionId: string | undefined;
  /** ETag of the stored history; undefined when there is none. Guards the checkpoint. */
  readonly historyEtag: string | undefined;
  readonly lockToken: string;
  readonly lockedUntil: number;
}

export interface ActivityWorkItem extends ReceivedMessage {
  readonly lockedUntil: number;
}

/** A message to enqueue. `TaskScheduled` events go to the work-item queue, all others to the
 * target instance's control queue (DTFAS routing). */
export interface OutboundMessage {
  message: TaskMessage;
  /** Not visible before this time (timers, scheduled starts). */
  visibleAt?: number;
}

export interface OrchestrationCheckpoint {
  /** Outbound messages, enqueued first. An `ExecutionStarted` also creates the target's Pending
   * row unless it has one that is not terminal (sub-orchestrations). */
  outbound?: readonly OutboundMessage[];
  /** The full event list of `executionId`. Same execution as the work item: only the events past
   * the stored ones are written; another execution (continue-as-new, restart), or `rewrite`
   * (a rewind changed stored events), rewrites from index 0. */
  history?: { executionId: string; events: readonly HistoryEvent[]; rewrite?: boolean };
  /** The instance row to write (replaces the stored one). */
  instance?: InstanceRow;
  /** Messages of the work item to release (visible again after `delayMs`) instead of deleting:
   * DTF's out-of-order guard for results that arrive before the event that scheduled them. */
  release?: { messageIds: readonly string[]; delayMs: number };
}

export interface InstanceFilter {
  instanceIdPrefix?: string;
  /** Inclusive bounds on `createdTime`, epoch ms. */
  createdTimeFrom?: number;
  createdTimeTo?: number;
  runtimeStatus?: readonly RuntimeStatus[];
}

export interface InstancePage {
  items: StoredInstance[];
  /** Absent on the last page. Opaque; only valid with the same filter. */
  continuationToken?: string;
}

export interface CreateInstanceOptions {
  /** Refuse to overwrite an instance in one of these states (DTF `dedupeStatuses`). */
  dedupeStatuses: readonly RuntimeStatus[];
  /** Not visible before this time (`ScheduledStartTime`). */
  visibleAt?: number;
}

export interface TaskHubStore {
  readonly taskHubName: string;

  /**
   * Leases the next instance that has a visible control message and no live lease: all its
   * visible messages become invisible for `lockMs` and no other work item is given for it until
   * the lease is completed, abandoned or runs out. Undefined when there is nothing to do.
   */
  receiveOrchestrationWorkItem(lockMs: number): Promise<OrchestrationWorkItem | undefined>;
  /**
   * Checkpoints in DTF order: outbound messages, then history + instance row (only if the
   * stored history is still the one the work item was built on, `workItem.historyEtag`, else
   * `StoreConflictError` after the outbound step), then deletes the work item's messages (those the holder still leases), then
   * releases the lease. A store may release the lease once the history write is on its way, if
   * the instance's next checkpoint waits for that write (and fails when it failed); reads of the
   * instance see the write once this resolves.
   */
  completeOrchestrationWorkItem(
    workItem: OrchestrationWorkItem,
    checkpoint: OrchestrationCheckpoint,
  ): Promise<void>;
  /** Gives the messages back (visible after `delayMs`) and releases the lease. */
  abandonOrchestrationWorkItem(workItem: OrchestrationWorkItem, delayMs: number): Promise<void>;
  /** Extends the lease; throws `LeaseLostError` if it was lost. Returns the new expiry. */
  renewOrchestrationWorkItem(workItem: OrchestrationWorkItem, lockMs: number): Promise<number>;

  /** Leases the oldest visible activity message for `lockMs`. */
  receiveActivityWorkItem(lockMs: number): Promise<ActivityWorkItem | undefined>;
  /** Enqueues the result for the orchestration, then deletes the activity message. */
  completeActivityWorkItem(workItem: ActivityWorkItem, result: TaskMessage): Promise<void>;
  abandonActivityWorkItem(workItem: ActivityWorkItem, delayMs: number): Promise<void>;
  renewActivityWorkItem(workItem: ActivityWorkItem, lockMs: number): Promise<number>;

  /**
   * Starts an instance: enqueues `start` (an `ExecutionStarted` message), then writes the Pending
   * row (insert, or replace when the existing instance is not in `dedupeStatuses`). Throws
   * `InstanceExistsError` when it is. A start message whose execution id no longer matches the
   * row is stale and is dropped by the dispatcher.
   */
  createInstance(start: TaskMessage, options: CreateInstanceOptions): Promise<void>;
  /** Enqueues a message for an instance (events, terminate, suspend, resume…). */
  sendMessage(message: OutboundMessage): Promise<void>;

  getInstance(instanceId: string): Promise<StoredInstance | undefined>;
  /** Instances in instance-id order, `pageSize` at a time. */
  queryInstances(filter: InstanceFilter, pageSize: number, continuationToken?: string): Promise<InstancePage>;
  /** The current execution's history, or undefined when the instance has none. */
  readHistory(instanceId: string): Promise<{ executionId: string; events: HistoryEvent[] } | undefined>;
  /** Deletes the instance row and its history. Returns the number of instances deleted (0 or 1). */
  purgeInstance(instanceId: string): Promise<number>;
  purgeInstances(filter: InstanceFilter): Promise<number>;

  /**
   * Calls `listener` when new work may be visible (a message enqueued or released, a delay or
   * lease ran out). A hint only: an implementation over remote queues may call it late or never,
   * so consumers also poll.
   */
  onWorkAvailable(listener: () => void): () => void;
  /** Stops internal timers. The store is unusable afterwards. */
  close(): Promise<void>;
}
