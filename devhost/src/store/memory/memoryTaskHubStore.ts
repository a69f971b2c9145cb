/**
 * The in-process `TaskHubStore`: tables are maps, queues are the shared lease table with a
 * `visibleAt` on the store's clock. It keeps the Azure provider's semantics (leases that run out,
 * pop receipts, ETag-guarded checkpoints, at-least-once delivery) so the engine behaves the same
 * on both; it keeps nothing across restarts.
 */
import { randomUUID } from 'node:crypto';
import { EventType, isTerminal, type HistoryEvent } from '../../protocol/history';
import type { Clock } from '../../clock/clock';
import { attempt } from '../attempt';
import { InstanceExistsError, StoreConflictError } from '../errors';
import { frozenCopy } from '../frozen';
import { instancePage, matchingInstances, pendingRow } from '../instanceQuery';
import { asReceived, type HeldMessage } from '../heldMessage';
import { LeaseTable } from '../leaseTable';
import { queueFor } from '../routing';
import type {
  ActivityWorkItem,
  CreateInstanceOptions,
  InstanceFilter,
  InstancePage,
  InstanceRow,
  OrchestrationCheckpoint,
  OrchestrationWorkItem,
  OutboundMessage,
  StoredInstance,
  TaskHubStore,
  TaskMessage,
} from '../taskHubStore';

interface StoredHistory {
  executionId: string;
  events: HistoryEvent[];
  etag: string;
}

export interface MemoryTaskHubStoreOptions {
  taskHubName: string;
  clock: Clock;
}

export class MemoryTaskHubStore implements TaskHubStore {
  readonly taskHubName: string;
  private readonly clock: Clock;
  private readonly instances = new Map<string, StoredInstance>();
  private readonly histories = new Map<string, StoredHistory>();
  private readonly table: LeaseTable<HeldMessage>;
  private etagCounter = 0;
  private closed = false;

  constructor(options: MemoryTaskHubStoreOptions) {
    this.taskHubName = options.taskHubName;
    this.clock = options.clock;
    this.table = new LeaseTable(options.clock);
  }

  receiveOrchestrationWorkItem(lockMs: number): Promise<OrchestrationWorkItem | undefined> {
    const lease = this.table.leaseInstance(lockMs);
    if (!lease) return Promise.resolve(undefined);
    const { instanceId } = lease;
    const history = this.histories.get(instanceId);
    const instance = this.instances.get(instanceId);
    return Promise.resolve({
      instanceId,
      messages: lease.messages.map(asReceived),
      instance: instance && structuredClone(instance),
      history: history ? [...history.events] : [],
      historyExecutionId: history?.executionId,
      historyEtag: history?.etag,
      lockToken: lease.token,
      lockedUntil: lease.until,
    });
  }

  completeOrchestrationWorkItem(
    workItem: OrchestrationWorkItem,
    checkpoint: OrchestrationCheckpoint,
  ): Promise<void> {
    return attempt(() => this.checkpoint(workItem, checkpoint));
  }

  private checkpoint(workItem: OrchestrationWorkItem, checkpoint: OrchestrationCheckpoint): void {
    this.assertOpen();
    const { instanceId } = workItem;
    for (const outbound of checkpoint.outbound ?? []) this.enqueue(outbound);
    const stored = this.histories.get(instanceId);
    if (stored?.etag !== workItem.historyEtag) {
      this.table.releaseInstance(instanceId, workItem.lockToken);
      throw new StoreConflictError(instanceId);
    }
    if (checkpoint.history) {
      const { executionId, events, rewrite } = checkpoint.history;
      // As on Azure, only the events past the stored ones are written for the same execution.
      const kept =
        !rewrite && stored?.executionId === executionId
          ? stored.events.slice(0, workItem.history.length)
          : [];
      this.histories.set(instanceId, {
        executionId,
        events: [...kept, ...events.slice(kept.length).map(frozenCopy)],
        etag: this.nextEtag(),
      });
    }
    if (checkpoint.instance) this.writeInstance(checkpoint.instance);
    const release = new Set(checkpoint.release?.messageIds ?? []);
    const held = this.table.leasedMessages(workItem.messages);
    this.table.release(
      held.filter((h) => release.has(h.messageId)),
      this.clock.now() + (checkpoint.release?.delayMs ?? 0),
    );
    for (const h of held) if (!release.has(h.messageId)) this.table.removeControl(h);
    this.table.releaseInstance(instanceId, workItem.lockToken);
  }

  abandonOrchestrationWorkItem(workItem: OrchestrationWorkItem, delayMs: number): Promise<void> {
    this.table.release(this.table.leasedMessages(workItem.messages), this.clock.now() + delayMs);
    this.table.releaseInstance(workItem.instanceId, workItem.lockToken);
    return Promise.resolve();
  }

  renewOrchestrationWorkItem(workItem: OrchestrationWorkItem, lockMs: number): Promise<number> {
    return attempt(() =>
      this.table.renewInstance(workItem.instanceId, workItem.lockToken, lockMs, workItem.messages),
    );
  }

  receiveActivityWorkItem(lockMs: number): Promise<ActivityWorkItem | undefined> {
    const held = this.table.leaseActivity(lockMs);
    return Promise.resolve(held && { ...asReceived(held), lockedUntil: held.visibleAt });
  }

  completeActivityWorkItem(workItem: ActivityWorkItem, result: TaskMessage): Promise<void> {
    return attempt(() => {
      this.assertOpen();
      this.enqueue({ message: result });
      const held = this.table.leasedActivity(workItem);
      if (held) this.table.removeActivity(held);
      this.table.notify();
    });
  }

  abandonActivityWorkItem(workItem: ActivityWorkItem, delayMs: number): Promise<void> {
    const held = this.table.leasedActivity(workItem);
    if (held) this.table.releaseActivity(held, this.clock.now() + delayMs);
    return Promise.resolve();
  }

  renewActivityWorkItem(workItem: ActivityWorkItem, lockMs: number): Promise<number> {
    return attempt(() => this.table.renewActivity(workItem, lockMs));
  }

  createInstance(start: TaskMessage, options: CreateInstanceOptions): Promise<void> {
    return attempt(() => {
      this.assertOpen();
      const row = pendingRow(start);
      const existing = this.instances.get(row.instanceId);
      if (existing && options.dedupeStatuses.includes(existing.runtimeStatus)) {
        throw new InstanceExistsError(existing.instanceId, existing.runtimeStatus);
      }
      // The row goes in before the message, so an episode the message wakes finds it.
      this.writeInstance(row);
      this.enqueue({ message: start, visibleAt: options.visibleAt });
    });
  }

  sendMessage(message: OutboundMessage): Promise<void> {
    return attempt(() => {
      this.assertOpen();
      this.enqueue(message);
    });
  }

  getInstance(instanceId: string): Promise<StoredInstance | undefined> {
    const row = this.instances.get(instanceId);
    return Promise.resolve(row && structuredClone(row));
  }

  queryInstances(
    filter: InstanceFilter,
    pageSize: number,
    continuationToken?: string,
  ): Promise<InstancePage> {
    return attempt(() => {
      const page = instancePage(
        matchingInstances(this.instances.values(), filter),
        pageSize,
        continuationToken,
      );
      return { ...page, items: page.items.map((row) => structuredClone(row)) };
    });
  }

  readHistory(instanceId: string): Promise<{ executionId: string; events: HistoryEvent[] } | undefined> {
    const history = this.histories.get(instanceId);
    return Promise.resolve(history && { executionId: history.executionId, events: [...history.events] });
  }

  purgeInstance(instanceId: string): Promise<number> {
    const existed = this.instances.delete(instanceId);
    this.histories.delete(instanceId);
    return Promise.resolve(existed ? 1 : 0);
  }

  purgeInstances(filter: InstanceFilter): Promise<number> {
    const rows = matchingInstances(this.instances.values(), filter);
    for (const row of rows) {
      this.instances.delete(row.instanceId);
      this.histories.delete(row.instanceId);
    }
    return Promise.resolve(rows.length);
  }

  onWorkAvailable(listener: () => void): () => void {
    return this.table.onWorkAvailable(listener);
  }

  close(): Promise<void> {
    this.closed = true;
    this.table.close();
    return Promise.resolve();
  }

  private enqueue(outbound: OutboundMessage): void {
    const now = this.clock.now();
    const instanceId = outbound.message.orchestrationInstance.InstanceId;
    const held: HeldMessage = {
      messageId: randomUUID(),
      instanceId,
      message: structuredClone(outbound.message),
      insertedAt: now,
      firstDequeueCount: 1,
      seq: 0,
      visibleAt: Math.max(now, outbound.visibleAt ?? now),
      receipt: '',
      deliveries: 0,
      deleting: false,
    };
    if (queueFor(outbound.message) === 'workItems') {
      this.table.addActivity(held);
      return;
    }
    if (outbound.message.event.EventType === EventType.ExecutionStarted) {
      const existing = this.instances.get(instanceId);
      if (!existing || isTerminal(existing.runtimeStatus)) this.writeInstance(pendingRow(outbound.message));
    }
    this.table.addControl(held);
  }

  private writeInstance(row: InstanceRow): void {
    this.instances.set(row.instanceId, { ...structuredClone(row), etag: this.nextEtag() });
  }

  private nextEtag(): string {
    this.etagCounter += 1;
    return `W/"${this.etagCounter}"`;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The task hub store '${this.taskHubName}' is closed.`);
  }
}
