/**
 * Writes in DTF's order: outbound messages first (a start also writes the target's Pending row
 * before this process may deliver it), then the history rows under the sentinel's ETag and the
 * Instances row, then the consumed messages are deleted. A crash anywhere repeats work, never
 * loses it.
 */
import type { Clock } from '../../clock/clock';
import { EventType, isTerminal } from '../../protocol/history';
import { InstanceExistsError, StoreConflictError } from '../errors';
import { frozenCopy } from '../frozen';
import { pendingRow } from '../instanceQuery';
import type {
  CreateInstanceOptions,
  InstanceRow,
  OrchestrationCheckpoint,
  OrchestrationWorkItem,
  OutboundMessage,
  StoredInstance,
  TaskMessage,
} from '../taskHubStore';
import { CorruptDataError } from './corruptData';
import { CheckpointTails } from './checkpointTails';
import { PendingHistories, type PendingHistory } from './pendingHistories';
import type { CrashPoints } from './crashPoints';
import type { HeldMessages } from './heldMessages';
import type { InstanceCache } from './instanceCache';
import type { TrackingStore } from './trackingStore';

export interface CheckpointWriterDeps {
  clock: Clock;
  tracking: TrackingStore;
  cache: InstanceCache;
  held: HeldMessages;
  crash: CrashPoints;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** Sends at once at most this many outbound messages (a large fan-out is thousands of sends). */
const SEND_PARALLELISM = 16;
/** Conditional writes of one Pending row before giving up (each retry follows a concurrent change). */
const MAX_CREATE_ATTEMPTS = 5;

export class CheckpointWriter {
  private readonly tails: CheckpointTails;
  private readonly pending = new PendingHistories();
  /** Work items whose instance is released while their history is written. */
  private readonly writingTokens = new Set<string>();

  constructor(private readonly deps: CheckpointWriterDeps) {
    this.tails = new CheckpointTails(deps);
  }

  /**
   * Outbound messages, then the history under the ETag of the history the work item was built on;
   * the instance is free for its next episode as soon as its history write is on its way (the next
   * checkpoint's history waits for it), and its row and the deletes follow in order behind the
   * write (`CheckpointTails`). Resolves when the history is written.
   */
  async complete(workItem: OrchestrationWorkItem, checkpoint: OrchestrationCheckpoint): Promise<void> {
    const { tracking, crash, clock, held: heldMessages, cache } = this.deps;
    const { table } = heldMessages;
    const { instanceId } = workItem;
    let writing: PendingHistory | undefined;
    try {
      await this.enqueueAll(checkpoint.outbound ?? []);
      crash.reached('after-enqueue');
      // The history this work item was built on may still be on its way: it goes first.
      const baseEtag = await this.storedEtag(workItem);
      const nowMs = clock.now();
      if (checkpoint.history) {
        // Messages it no longer holds (abandoned, or their lease ran out while the history it
        // was built on was written) may be in another work item by now: recording them here as
        // well would apply them twice.
        if (table.leasedMessages(workItem.messages).length !== workItem.messages.length) {
          throw new StoreConflictError(instanceId);
        }
        const { executionId, events, rewrite } = checkpoint.history;
        const start = !rewrite && workItem.historyExecutionId === executionId ? workItem.history.length : 0;
        const added = events.slice(start);
        const now = new Date(nowMs).toISOString();
        const written = tracking
          .writeHistory(instanceId, executionId, added, start, baseEtag, now)
          .then((etag) => {
            crash.reached('after-history');
            return etag;
          });
        // Awaited below; observed now, should anything before that throw.
        written.catch(() => undefined);
        writing = this.pending.begin(instanceId, written);
        this.writingTokens.add(workItem.lockToken);
        const history = {
          executionId,
          events: [...workItem.history.slice(0, start), ...added.map(frozenCopy)],
          etag: writing.token,
          checkpointAt: nowMs,
        };
        // The row is known from here on, though written a moment later (its ETag is not kept).
        const row = checkpoint.instance ? { ...checkpoint.instance, etag: '' } : workItem.instance;
        cache.set(instanceId, { row, history });
        // Results held back for the event that schedules them may find it in this history now.
        const heldBack = table
          .messagesOf(instanceId)
          .filter((h) => h.holds > 0 && h.receipt === '' && !h.deleting && h.visibleAt > nowMs);
        if (heldBack.length > 0) table.release(heldBack, nowMs);
        // The next episode may run on this history while it is written: its messages stay leased
        // by this work item until then.
        table.releaseInstance(instanceId, workItem.lockToken);
        const etag = await written;
        cache.settleEtag(instanceId, writing.token, etag);
      } else if (checkpoint.instance) {
        const etag = await tracking.sentinelEtag(instanceId);
        if (etag !== baseEtag) throw new StoreConflictError(instanceId);
        cache.delete(instanceId);
      }
    } catch (error) {
      // A conflict, or a failure midway: what is stored is not known any more.
      cache.delete(instanceId);
      table.releaseInstance(instanceId, workItem.lockToken);
      writing?.settle();
      throw error;
    } finally {
      this.writingTokens.delete(workItem.lockToken);
    }
    const release = new Set(checkpoint.release?.messageIds ?? []);
    const leased = table.leasedMessages(workItem.messages);
    const deletes = leased.filter((h) => !release.has(h.messageId));
    table.release(
      leased.filter((h) => release.has(h.messageId)),
      clock.now() + (checkpoint.release?.delayMs ?? 0),
    );
    table.markDeleting(deletes);
    this.tails.add(instanceId, checkpoint.instance, deletes);
    table.releaseInstance(instanceId, workItem.lockToken);
    writing?.settle();
  }

  /** Whether the work item holding `lockToken` has released its instance while its history is written. */
  isWriting(lockToken: string): boolean {
    return this.writingTokens.has(lockToken);
  }

  /** Resolves once the instance's history write on its way (if any) is done, or failed. */
  historyWritten(instanceId: string): Promise<void> {
    return this.pending.settled(instanceId);
  }

  /**
   * The ETag of the history a work item was built on: a history still being written (its
   * placeholder ETag) is awaited, and a write that failed fails this checkpoint with its error.
   * A placeholder no longer known here (thousands of newer writes since) fails it too, so that it
   * is retried soon from storage (a conflict would wait out the lock).
   */
  private async storedEtag(workItem: OrchestrationWorkItem): Promise<string | undefined> {
    const { historyEtag, instanceId } = workItem;
    if (!PendingHistories.isPlaceholder(historyEtag)) return historyEtag;
    const written = this.pending.written(instanceId, historyEtag);
    if (!written) {
      throw new Error(
        `The history the work item of '${instanceId}' was built on is no longer known here; it is read again.`,
      );
    }
    return written;
  }

  /** Resolves once the instance's queued row writes are done, so a read sees the newest row. */
  async rowsWritten(instanceId: string): Promise<void> {
    await this.pending.settled(instanceId);
    await this.tails.rowsWritten(instanceId);
  }

  async allRowsWritten(): Promise<void> {
    await this.pending.allSettled();
    await this.tails.allRowsWritten();
  }

  async enqueueAll(outbound: readonly OutboundMessage[]): Promise<void> {
    const queue = [...outbound];
    const workers = Array.from({ length: Math.min(SEND_PARALLELISM, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.enqueue(next);
    });
    await Promise.all(workers);
  }

  /** Sends a message; a start also creates the target's Pending row unless it has a live one. */
  async enqueue(outbound: OutboundMessage): Promise<void> {
    const sent = await this.deps.held.send(outbound);
    if (outbound.message.event.EventType === EventType.ExecutionStarted) {
      const row = pendingRow(outbound.message);
      // A Pending row of another execution is a start that never ran (its episode is being
      // repeated after a crash, with a new execution id): the newer start replaces it.
      await this.putPendingRow(
        row,
        (existing) =>
          isTerminal(existing.runtimeStatus) ||
          (existing.runtimeStatus === 'Pending' && existing.executionId !== row.executionId),
      );
    }
    sent.publish();
  }

  /**
   * Starts an instance: the start message, then its Pending row as one conditional write, so of
   * concurrent starts of one id exactly one wins and the others find its row and are refused.
   */
  async createInstance(start: TaskMessage, options: CreateInstanceOptions): Promise<void> {
    const row = pendingRow(start);
    const sent = await this.deps.held.send({ message: start, visibleAt: options.visibleAt });
    let blocking: StoredInstance | undefined;
    try {
      blocking = await this.putPendingRow(
        row,
        (existing) => !options.dedupeStatuses.includes(existing.runtimeStatus),
      );
    } catch (error) {
      await sent.discard().catch(() => undefined);
      throw error;
    }
    if (blocking) {
      await sent.discard().catch(() => undefined);
      throw new InstanceExistsError(blocking.instanceId, blocking.runtimeStatus);
    }
    // The row is in before this process may deliver the message, so the first episode finds it.
    sent.publish();
  }

  /**
   * Writes a Pending row as DTF's `SetNewExecutionAsync` does: insert-only when there is no row,
   * else replace under the stored row's ETag, and only when `mayReplace` allows the stored row.
   * A write that loses a race reads the row again and decides again. Returns the row that blocked
   * the write, or undefined when it was written.
   */
  private async putPendingRow(
    row: InstanceRow,
    mayReplace: (existing: StoredInstance) => boolean,
  ): Promise<StoredInstance | undefined> {
    const { tracking, log, cache } = this.deps;
    const { instanceId } = row;
    // A row still being written for this instance must land first, so this write sees it.
    await this.rowsWritten(instanceId);
    // Insert first: most starts are of new ids, and a conflict tells us when there is a row.
    let existing: StoredInstance | undefined;
    for (let attempt = 1; ; attempt += 1) {
      if (existing && !mayReplace(existing)) return existing;
      try {
        const etag = await tracking.writeInstance(
          row,
          existing ? { etag: existing.etag } : { insertOnly: true },
        );
        // A new row: there was no instance, so no history either (if there was, the first
        // checkpoint's ETag check finds out). A replaced row keeps the known history.
        if (existing) cache.setRow(instanceId, { ...row, etag });
        else cache.set(instanceId, { row: { ...row, etag }, history: undefined });
        return undefined;
      } catch (error) {
        if (!(error instanceof StoreConflictError) || attempt >= MAX_CREATE_ATTEMPTS) throw error;
      }
      try {
        existing = await tracking.getInstance(instanceId);
      } catch (error) {
        if (!(error instanceof CorruptDataError)) throw error;
        // An unreadable row cannot say it is live: the start replaces it.
        log('error', error.message);
        cache.delete(instanceId);
        await tracking.writeInstance(row);
        return undefined;
      }
    }
  }

  /** The newest row, or undefined (logged) when it cannot be read. */
  async safeGetInstance(instanceId: string): Promise<StoredInstance | undefined> {
    await this.rowsWritten(instanceId);
    try {
      return await this.deps.tracking.getInstance(instanceId);
    } catch (error) {
      if (!(error instanceof CorruptDataError)) throw error;
      this.deps.log('error', error.message);
      return undefined;
    }
  }
}
