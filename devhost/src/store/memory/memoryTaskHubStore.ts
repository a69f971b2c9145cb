/**
 * The in-process `TaskHubStore`: tables are maps, queues are arrays of messages with a
 * `visibleAt` on the store's clock. It keeps the Azure provider's semantics (leases that run out,
 * pop receipts, ETag-guarded checkpoints, at-least-once delivery) so the engine behaves the same
 * on both; it keeps nothing across restarts.
 */
import { randomUUID } from 'node:crypto';
import { EventType, isTerminal, type HistoryEvent } from '../../protocol/history';
import type { Clock } from '../../clock/clock';
import {
  InstanceExistsError,
  InvalidContinuationTokenError,
  LeaseLostError,
  StoreConflictError,
} from '../errors';
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
  ReceivedMessage,
  StoredInstance,
  TaskHubStore,
  TaskMessage,
} from '../taskHubStore';

interface QueuedMessage {
  readonly messageId: string;
  readonly seq: number;
  readonly insertedAt: number;
  readonly message: TaskMessage;
  visibleAt: number;
  receipt: string;
  dequeueCount: number;
}

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
  private readonly control = new Map<string, QueuedMessage[]>();
  private workItems: QueuedMessage[] = [];
  private readonly leases = new Map<string, { token: string; until: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly wakeups = new Set<() => void>();
  private readonly leaseWakeups = new Map<string, () => void>();
  private seq = 0;
  private etagCounter = 0;
  private closed = false;

  constructor(options: MemoryTaskHubStoreOptions) {
    this.taskHubName = options.taskHubName;
    this.clock = options.clock;
  }

  receiveOrchestrationWorkItem(lockMs: number): Promise<OrchestrationWorkItem | undefined> {
    const now = this.clock.now();
    let chosen: { instanceId: string; firstSeq: number } | undefined;
    for (const [instanceId, queue] of this.control) {
      const lease = this.leases.get(instanceId);
      if (lease && lease.until > now) continue;
      const first = queue.find((m) => m.visibleAt <= now);
      if (first && (!chosen || first.seq < chosen.firstSeq)) chosen = { instanceId, firstSeq: first.seq };
    }
    if (!chosen) return Promise.resolve(undefined);
    const { instanceId } = chosen;
    const until = now + lockMs;
    const token = randomUUID();
    this.leases.set(instanceId, { token, until });
    const messages = (this.control.get(instanceId) ?? [])
      .filter((m) => m.visibleAt <= now)
      .map((m) => this.lease(m, until));
    this.wakeWhenLeaseEnds(`o:${instanceId}`, until);
    const history = this.histories.get(instanceId);
    const instance = this.instances.get(instanceId);
    return Promise.resolve({
      instanceId,
      messages,
      instance: instance && structuredClone(instance),
      history: history ? [...history.events] : [],
      historyExecutionId: history?.executionId,
      historyEtag: history?.etag,
      lockToken: token,
      lockedUntil: until,
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
      this.releaseLease(workItem);
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
    const now = this.clock.now();
    const queue = this.control.get(instanceId) ?? [];
    for (const received of workItem.messages) {
      const queued = queue.find((m) => m.messageId === received.messageId);
      if (!queued || queued.receipt !== received.receipt) continue;
      if (release.has(received.messageId)) {
        queued.visibleAt = now + (checkpoint.release?.delayMs ?? 0);
        this.wakeAt(queued.visibleAt);
      } else {
        queue.splice(queue.indexOf(queued), 1);
      }
    }
    if (queue.length === 0) this.control.delete(instanceId);
    this.releaseLease(workItem);
  }

  abandonOrchestrationWorkItem(workItem: OrchestrationWorkItem, delayMs: number): Promise<void> {
    const visibleAt = this.clock.now() + delayMs;
    const queue = this.control.get(workItem.instanceId) ?? [];
    for (const received of workItem.messages) {
      const queued = queue.find((m) => m.messageId === received.messageId);
      if (queued && queued.receipt === received.receipt) queued.visibleAt = visibleAt;
    }
    this.releaseLease(workItem);
    this.wakeAt(visibleAt);
    return Promise.resolve();
  }

  renewOrchestrationWorkItem(workItem: OrchestrationWorkItem, lockMs: number): Promise<number> {
    const lease = this.leases.get(workItem.instanceId);
    const now = this.clock.now();
    if (!lease || lease.token !== workItem.lockToken || lease.until <= now) {
      return Promise.reject(new LeaseLostError(`the work item of instance '${workItem.instanceId}'`));
    }
    lease.until = now + lockMs;
    const queue = this.control.get(workItem.instanceId) ?? [];
    for (const received of workItem.messages) {
      const queued = queue.find((m) => m.messageId === received.messageId);
      if (queued && queued.receipt === received.receipt) queued.visibleAt = lease.until;
    }
    this.wakeWhenLeaseEnds(`o:${workItem.instanceId}`, lease.until);
    return Promise.resolve(lease.until);
  }

  receiveActivityWorkItem(lockMs: number): Promise<ActivityWorkItem | undefined> {
    const now = this.clock.now();
    const queued = this.workItems.find((m) => m.visibleAt <= now);
    if (!queued) return Promise.resolve(undefined);
    const until = now + lockMs;
    this.wakeWhenLeaseEnds(`a:${queued.messageId}`, until);
    return Promise.resolve({ ...this.lease(queued, until), lockedUntil: until });
  }

  completeActivityWorkItem(workItem: ActivityWorkItem, result: TaskMessage): Promise<void> {
    return attempt(() => {
      this.assertOpen();
      this.enqueue({ message: result });
      const before = this.workItems.length;
      this.workItems = this.workItems.filter(
        (m) => !(m.messageId === workItem.messageId && m.receipt === workItem.receipt),
      );
      if (this.workItems.length < before) this.endLease(`a:${workItem.messageId}`);
      this.notify();
    });
  }

  abandonActivityWorkItem(workItem: ActivityWorkItem, delayMs: number): Promise<void> {
    const queued = this.workItems.find(
      (m) => m.messageId === workItem.messageId && m.receipt === workItem.receipt,
    );
    if (queued) {
      queued.visibleAt = this.clock.now() + delayMs;
      this.endLease(`a:${workItem.messageId}`);
      this.wakeAt(queued.visibleAt);
    }
    return Promise.resolve();
  }

  renewActivityWorkItem(workItem: ActivityWorkItem, lockMs: number): Promise<number> {
    const now = this.clock.now();
    const queued = this.workItems.find(
      (m) => m.messageId === workItem.messageId && m.receipt === workItem.receipt,
    );
    if (!queued || queued.visibleAt <= now) {
      return Promise.reject(new LeaseLostError(`activity message '${workItem.messageId}'`));
    }
    queued.visibleAt = now + lockMs;
    this.wakeWhenLeaseEnds(`a:${workItem.messageId}`, queued.visibleAt);
    return Promise.resolve(queued.visibleAt);
  }

  createInstance(start: TaskMessage, options: CreateInstanceOptions): Promise<void> {
    return attempt(() => {
      this.assertOpen();
      const row = pendingRow(start);
      const existing = this.instances.get(row.instanceId);
      if (existing && options.dedupeStatuses.includes(existing.runtimeStatus)) {
        throw new InstanceExistsError(existing.instanceId, existing.runtimeStatus);
      }
      // The row first: enqueueing wakes the pumps at once, and a work item read before the new
      // row would take the start for a stale one (as the azure store, which publishes after it).
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
    let after: string | undefined;
    if (continuationToken !== undefined) {
      try {
        after = JSON.parse(Buffer.from(continuationToken, 'base64url').toString('utf8')) as string;
      } catch {
        return Promise.reject(new InvalidContinuationTokenError());
      }
      if (typeof after !== 'string') return Promise.reject(new InvalidContinuationTokenError());
    }
    const matching = this.matching(filter).filter((row) => after === undefined || row.instanceId > after);
    const items = matching.slice(0, Math.max(1, pageSize)).map((row) => structuredClone(row));
    const last = items[items.length - 1];
    const more = matching.length > items.length && last !== undefined;
    return Promise.resolve({
      items,
      ...(more
        ? { continuationToken: Buffer.from(JSON.stringify(last.instanceId)).toString('base64url') }
        : {}),
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
    const rows = this.matching(filter);
    for (const row of rows) {
      this.instances.delete(row.instanceId);
      this.histories.delete(row.instanceId);
    }
    return Promise.resolve(rows.length);
  }

  onWorkAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const cancel of this.wakeups) cancel();
    this.wakeups.clear();
    this.listeners.clear();
    return Promise.resolve();
  }

  private matching(filter: InstanceFilter): StoredInstance[] {
    return [...this.instances.values()]
      .filter((row) => {
        if (filter.instanceIdPrefix !== undefined && !row.instanceId.startsWith(filter.instanceIdPrefix))
          return false;
        const created = Date.parse(row.createdTime);
        if (filter.createdTimeFrom !== undefined && created < filter.createdTimeFrom) return false;
        if (filter.createdTimeTo !== undefined && created > filter.createdTimeTo) return false;
        if (
          filter.runtimeStatus &&
          filter.runtimeStatus.length > 0 &&
          !filter.runtimeStatus.includes(row.runtimeStatus)
        ) {
          return false;
        }
        return true;
      })
      .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  }

  private enqueue(outbound: OutboundMessage): void {
    const now = this.clock.now();
    const queued: QueuedMessage = {
      messageId: randomUUID(),
      seq: this.seq++,
      insertedAt: now,
      message: structuredClone(outbound.message),
      visibleAt: Math.max(now, outbound.visibleAt ?? now),
      receipt: '',
      dequeueCount: 0,
    };
    if (queueFor(outbound.message) === 'workItems') {
      this.workItems.push(queued);
    } else {
      const instanceId = outbound.message.orchestrationInstance.InstanceId;
      const queue = this.control.get(instanceId) ?? [];
      queue.push(queued);
      this.control.set(instanceId, queue);
      const event = outbound.message.event;
      if (event.EventType === EventType.ExecutionStarted) {
        const existing = this.instances.get(instanceId);
        if (!existing || isTerminal(existing.runtimeStatus)) this.writeInstance(pendingRow(outbound.message));
      }
    }
    if (queued.visibleAt > now) this.wakeAt(queued.visibleAt);
    else this.notify();
  }

  private lease(queued: QueuedMessage, until: number): ReceivedMessage {
    queued.visibleAt = until;
    queued.receipt = randomUUID();
    queued.dequeueCount += 1;
    return {
      messageId: queued.messageId,
      receipt: queued.receipt,
      dequeueCount: queued.dequeueCount,
      insertedAt: queued.insertedAt,
      message: structuredClone(queued.message),
    };
  }

  private releaseLease(workItem: OrchestrationWorkItem): void {
    if (this.leases.get(workItem.instanceId)?.token === workItem.lockToken) {
      this.leases.delete(workItem.instanceId);
      this.endLease(`o:${workItem.instanceId}`);
    }
    this.notify();
  }

  private writeInstance(row: InstanceRow): void {
    this.instances.set(row.instanceId, { ...structuredClone(row), etag: this.nextEtag() });
  }

  private nextEtag(): string {
    this.etagCounter += 1;
    return `W/"${this.etagCounter}"`;
  }

  private wakeAt(at: number): () => void {
    if (this.closed) return () => undefined;
    const cancel = this.clock.schedule(at, () => {
      this.wakeups.delete(cancel);
      this.notify();
    });
    this.wakeups.add(cancel);
    return () => {
      cancel();
      this.wakeups.delete(cancel);
    };
  }

  /** One pending wake-up per lease (a lease that ends early needs none), so timers do not pile up. */
  private wakeWhenLeaseEnds(key: string, at: number): void {
    this.endLease(key);
    this.leaseWakeups.set(key, this.wakeAt(at));
  }

  private endLease(key: string): void {
    this.leaseWakeups.get(key)?.();
    this.leaseWakeups.delete(key);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The task hub store '${this.taskHubName}' is closed.`);
  }
}

/** Stored events are shared with readers, never copied on read, so they are frozen when written. */
function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Runs synchronous store logic, turning a throw into a rejection as a remote store would. */
function attempt(action: () => void): Promise<void> {
  try {
    action();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function pendingRow(start: TaskMessage): InstanceRow {
  const event = start.event;
  if (event.EventType !== EventType.ExecutionStarted)
    throw new TypeError('Expected an ExecutionStarted message.');
  return {
    instanceId: event.OrchestrationInstance.InstanceId,
    executionId: event.OrchestrationInstance.ExecutionId,
    name: event.Name,
    version: event.Version,
    input: event.Input,
    output: null,
    customStatus: null,
    runtimeStatus: 'Pending',
    createdTime: event.Timestamp,
    lastUpdatedTime: event.Timestamp,
    completedTime: null,
    scheduledStartTime: event.ScheduledStartTime,
    generation: event.Generation,
    parentInstanceId: event.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
  };
}
