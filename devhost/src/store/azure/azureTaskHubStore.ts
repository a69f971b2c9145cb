/**
 * The `TaskHubStore` over Azure Storage (Azurite or an account) in DTF's layout: `<hub>Instances`
 * and `<hub>History` tables, `<hub>-control-NN` and `<hub>-workitems` queues, `<hub>-largemessages`
 * and `<hub>-leases` containers.
 *
 * Queue messages this process holds are kept in a local table (messages it enqueued itself go
 * straight in; others are read 32 at a time). While the process owns the hub's partitions that
 * table is the authority on work-item leases and delays, measured on the store's `Clock`; Azure
 * visibility (`visibilityMs`, real time) only decides how soon another process, or this one after a
 * crash, sees a message again. A held message that shows up again in a read is recognised by its id
 * and stays held. That is what lets one design serve both the real clock and the virtual one.
 */
import { randomUUID } from 'node:crypto';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { EventType, isTerminal, type HistoryEvent } from '../../protocol/history';
import type { Clock } from '../../clock/clock';
import {
  InstanceExistsError,
  InvalidContinuationTokenError,
  LeaseLostError,
  StoreConflictError,
} from '../errors';
import { controlQueueIndex, queueFor } from '../routing';
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
import { isInsecure, StorageConnectionError } from './connection';
import { CorruptDataError } from './corruptData';
import { CrashPoints, parseCrashSetting } from './crashPoints';
import { isOutOfOrder, repairedInstanceRow } from './historyTruth';
import { LargeBlobs } from './largeBlobs';
import { DEFAULT_PARTITION_COUNT, taskHubResourceNames } from './names';
import { defaultOwner, PartitionLeases } from './partitionLeases';
import { StorageCalls } from './storageCalls';
import { TaskHubQueue, type FetchedMessage } from './taskHubQueue';
import { TrackingStore, type StoredHistory } from './trackingStore';

export interface AzureTaskHubStoreOptions {
  taskHubName: string;
  /** A full connection string (see `resolveConnectionString`). */
  connectionString: string;
  clock: Clock;
  /** Control queues (host.json `storageProvider.partitionCount`); an existing hub keeps its own. */
  partitionCount?: number;
  /** How long a held message stays hidden in Azure: the time a crash costs before recovery. */
  visibilityMs?: number;
  /** Longest pause between reads of an empty queue (real time). */
  maxPollIntervalMs?: number;
  /** How long to wait for another owner's partition leases before refusing. */
  leaseWaitMs?: number;
  /** Messages read ahead per control queue before the local table is considered full. */
  bufferThreshold?: number;
  owner?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** `DEVHOST_CRASH_AT`, for the recovery tests. */
  crashAt?: string;
}

interface Held {
  readonly messageId: string;
  readonly queue: TaskHubQueue;
  readonly instanceId: string;
  readonly message: TaskMessage;
  readonly insertedAt: number;
  readonly seq: number;
  readonly firstDequeueCount: number;
  readonly blobName: string | undefined;
  popReceipt: string;
  /** On the store's clock: not deliverable before. Leased messages carry the lease's end. */
  visibleAt: number;
  /** Receipt of the current delivery; '' when not delivered. */
  receipt: string;
  deliveries: number;
  /** Times held back as out of order. */
  holds: number;
  deleting: boolean;
}

const BATCH = 32;
const MAX_OUT_OF_ORDER_HOLDS = 8;
/** Messages enqueued here are held locally up to this many; beyond it they are read in batches. */
const MAX_LOCAL_ACTIVITIES = 1000;
/** Real time `close()` spends giving held messages back before it leaves the rest to their visibility window. */
const GIVE_BACK_BUDGET_MS = 2_000;

export class AzureTaskHubStore implements TaskHubStore {
  readonly taskHubName: string;
  readonly calls = new StorageCalls();
  private readonly clock: Clock;
  private readonly visibilityMs: number;
  private readonly maxPollMs: number;
  private readonly bufferThreshold: number;
  private readonly log: NonNullable<AzureTaskHubStoreOptions['log']>;
  private readonly crash: CrashPoints;
  private readonly control = new Map<string, Held>();
  private readonly activities = new Map<string, Held>();
  private readonly leases = new Map<string, { token: string; until: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly wakeups = new Set<() => void>();
  private readonly nextPoll = new Map<TaskHubQueue, { at: number; backoff: number }>();
  private readonly fetching = new Map<TaskHubQueue, Promise<number>>();
  private seq = 0;
  private closed = false;

  private constructor(
    options: AzureTaskHubStoreOptions,
    private readonly tracking: TrackingStore,
    private readonly controlQueues: readonly TaskHubQueue[],
    private readonly workItems: TaskHubQueue,
    private readonly partitions: PartitionLeases,
    calls: StorageCalls,
  ) {
    this.taskHubName = options.taskHubName;
    this.clock = options.clock;
    this.visibilityMs = options.visibilityMs ?? 10_000;
    this.maxPollMs = options.maxPollIntervalMs ?? 1_000;
    this.bufferThreshold = options.bufferThreshold ?? 256;
    this.log = options.log ?? (() => undefined);
    this.crash = new CrashPoints(parseCrashSetting(options.crashAt));
    this.calls = calls;
  }

  /** Creates the hub's tables, queues and containers if needed and takes its partition leases. */
  static async open(options: AzureTaskHubStoreOptions): Promise<AzureTaskHubStore> {
    const { connectionString, taskHubName } = options;
    const insecure = isInsecure(connectionString);
    const tableOptions = { allowInsecureConnection: insecure };
    const tables = TableServiceClient.fromConnectionString(connectionString, tableOptions);
    const queues = QueueServiceClient.fromConnectionString(connectionString);
    const blobs = BlobServiceClient.fromConnectionString(connectionString);
    const calls = new StorageCalls();
    await probe(connectionString);

    const initial = taskHubResourceNames(taskHubName, options.partitionCount ?? DEFAULT_PARTITION_COUNT);
    const leaseContainer = blobs.getContainerClient(initial.leaseContainer);
    const largeContainer = blobs.getContainerClient(initial.largeMessageContainer);
    await Promise.all([leaseContainer.createIfNotExists(), largeContainer.createIfNotExists()]);
    const partitionCount = await PartitionLeases.hubPartitionCount(
      leaseContainer,
      taskHubName,
      options.partitionCount ?? DEFAULT_PARTITION_COUNT,
    );
    const names = taskHubResourceNames(taskHubName, partitionCount);
    await Promise.all([
      tables.createTable(names.instancesTable),
      tables.createTable(names.historyTable),
      ...[...names.controlQueues, names.workItemQueue].map((q) =>
        queues.getQueueClient(q).createIfNotExists(),
      ),
    ]);
    const large = new LargeBlobs(largeContainer);
    const tracking = new TrackingStore(
      TableClient.fromConnectionString(connectionString, names.instancesTable, tableOptions),
      TableClient.fromConnectionString(connectionString, names.historyTable, tableOptions),
      large,
      taskHubName,
      calls,
    );
    const log = options.log ?? (() => undefined);
    const partitions = await PartitionLeases.acquire({
      container: leaseContainer,
      hubName: taskHubName,
      partitionCount,
      controlQueues: names.controlQueues,
      owner: options.owner ?? defaultOwner(),
      waitMs: options.leaseWaitMs ?? 40_000,
      log: (message) => log('warn', message),
    });
    return new AzureTaskHubStore(
      options,
      tracking,
      names.controlQueues.map((q) => new TaskHubQueue(queues.getQueueClient(q), large, calls)),
      new TaskHubQueue(queues.getQueueClient(names.workItemQueue), large, calls),
      partitions,
      calls,
    );
  }

  // ---- orchestration work items ----

  async receiveOrchestrationWorkItem(lockMs: number): Promise<OrchestrationWorkItem | undefined> {
    this.assertOpen();
    // Another owner has the partitions now: processing them here too would run work twice.
    if (!this.partitions.healthy) return undefined;
    for (let round = 0; round < 4; round += 1) {
      const picked = this.pickInstance(lockMs);
      if (!picked) {
        if ((await this.fetchControl()) === 0) return undefined;
        continue;
      }
      let item: OrchestrationWorkItem | undefined;
      try {
        item = await this.buildWorkItem(picked);
      } catch (error) {
        // Storage failed while reading: give the messages back at once rather than after the lease.
        for (const h of picked.held) if (h.receipt !== '' && !h.deleting) this.unlease(h);
        this.releaseInstance(picked.instanceId, picked.token);
        throw error;
      }
      if (item) return item;
    }
    return undefined;
  }

  private pickInstance(
    lockMs: number,
  ): { instanceId: string; token: string; until: number; held: Held[] } | undefined {
    const now = this.clock.now();
    let first: Held | undefined;
    for (const held of this.control.values()) {
      if (!this.deliverable(held, now)) continue;
      if (!first || held.seq < first.seq) first = held;
    }
    if (!first) return undefined;
    const instanceId = first.instanceId;
    const token = randomUUID();
    const until = now + lockMs;
    this.leases.set(instanceId, { token, until });
    this.wakeAt(until);
    const held = [...this.control.values()]
      .filter((h) => h.instanceId === instanceId && h.visibleAt <= now && !h.deleting)
      .sort((a, b) => a.seq - b.seq);
    for (const h of held) {
      h.visibleAt = until;
      h.receipt = randomUUID();
      h.deliveries += 1;
    }
    return { instanceId, token, until, held };
  }

  private deliverable(held: Held, now: number): boolean {
    if (held.deleting || held.visibleAt > now) return false;
    const lease = this.leases.get(held.instanceId);
    return !lease || lease.until <= now;
  }

  private async buildWorkItem(picked: {
    instanceId: string;
    token: string;
    until: number;
    held: Held[];
  }): Promise<OrchestrationWorkItem | undefined> {
    const { instanceId } = picked;
    let instance: StoredInstance | undefined;
    let history: StoredHistory | undefined;
    try {
      [instance, history] = await Promise.all([
        this.tracking.getInstance(instanceId),
        this.tracking.readHistory(instanceId),
      ]);
    } catch (error) {
      if (error instanceof CorruptDataError) {
        await this.failInstance(instanceId, error.message, picked.held);
        this.releaseInstance(instanceId, picked.token);
        return undefined;
      }
      throw error;
    }
    const repaired = repairedInstanceRow(instance, history);
    if (repaired) {
      this.log(
        'warn',
        `Instance '${instanceId}' had an Instances row behind its history; repaired it from history.`,
      );
      await this.tracking.writeInstance(repaired);
      instance = await this.tracking.getInstance(instanceId);
    }
    const now = this.clock.now();
    const early = picked.held.filter(
      (h) => h.holds < MAX_OUT_OF_ORDER_HOLDS && isOutOfOrder(h.message, history),
    );
    const delivered = picked.held.filter((h) => !early.includes(h));
    for (const h of early) {
      h.receipt = '';
      h.deliveries -= 1;
      if (delivered.length === 0) {
        // Nothing else to run: wait a little for the episode that schedules it.
        h.holds += 1;
        h.visibleAt = now + Math.min(500 * 2 ** h.holds, 30_000);
        this.wakeAt(h.visibleAt);
      } else {
        h.visibleAt = now;
      }
    }
    if (delivered.length === 0) {
      this.releaseInstance(instanceId, picked.token);
      return undefined;
    }
    return {
      instanceId,
      messages: delivered.map((h) => this.asReceived(h)),
      instance,
      history: history?.events ?? [],
      historyExecutionId: history?.executionId,
      historyEtag: history?.etag,
      lockToken: picked.token,
      lockedUntil: picked.until,
    };
  }

  async completeOrchestrationWorkItem(
    workItem: OrchestrationWorkItem,
    checkpoint: OrchestrationCheckpoint,
  ): Promise<void> {
    this.assertOpen();
    const { instanceId } = workItem;
    try {
      await this.enqueueAll(checkpoint.outbound ?? []);
      this.crash.reached('after-enqueue');
      const now = new Date(this.clock.now()).toISOString();
      if (checkpoint.history) {
        const { executionId, events, rewrite } = checkpoint.history;
        const start = !rewrite && workItem.historyExecutionId === executionId ? workItem.history.length : 0;
        await this.tracking.writeHistory(
          instanceId,
          executionId,
          events.slice(start),
          start,
          workItem.historyEtag,
          now,
        );
        this.crash.reached('after-history');
      } else if (checkpoint.instance) {
        const etag = await this.tracking.sentinelEtag(instanceId);
        if (etag !== workItem.historyEtag) throw new StoreConflictError(instanceId);
      }
      if (checkpoint.instance) {
        await this.tracking.writeInstance(checkpoint.instance);
        this.crash.reached('after-instance');
      }
    } catch (error) {
      this.releaseInstance(instanceId, workItem.lockToken);
      throw error;
    }
    this.crash.reached('before-delete');
    const release = new Set(checkpoint.release?.messageIds ?? []);
    const releaseAt = this.clock.now() + (checkpoint.release?.delayMs ?? 0);
    const deletes: Held[] = [];
    for (const received of workItem.messages) {
      const held = this.control.get(received.messageId);
      if (!held || held.receipt !== received.receipt) continue;
      held.receipt = '';
      if (release.has(received.messageId)) {
        held.visibleAt = releaseAt;
        this.wakeAt(releaseAt);
      } else {
        deletes.push(held);
      }
    }
    await Promise.all(deletes.map((held) => this.deleteHeld(this.control, held)));
    this.releaseInstance(instanceId, workItem.lockToken);
  }

  abandonOrchestrationWorkItem(workItem: OrchestrationWorkItem, delayMs: number): Promise<void> {
    const visibleAt = this.clock.now() + delayMs;
    for (const received of workItem.messages) {
      const held = this.control.get(received.messageId);
      if (held && held.receipt === received.receipt) {
        held.visibleAt = visibleAt;
        held.receipt = '';
      }
    }
    this.wakeAt(visibleAt);
    this.releaseInstance(workItem.instanceId, workItem.lockToken);
    return Promise.resolve();
  }

  renewOrchestrationWorkItem(workItem: OrchestrationWorkItem, lockMs: number): Promise<number> {
    const lease = this.leases.get(workItem.instanceId);
    const now = this.clock.now();
    if (!lease || lease.token !== workItem.lockToken || lease.until <= now) {
      return Promise.reject(new LeaseLostError(`the work item of instance '${workItem.instanceId}'`));
    }
    lease.until = now + lockMs;
    for (const received of workItem.messages) {
      const held = this.control.get(received.messageId);
      if (held && held.receipt === received.receipt) held.visibleAt = lease.until;
    }
    this.wakeAt(lease.until);
    return Promise.resolve(lease.until);
  }

  // ---- activity work items ----

  async receiveActivityWorkItem(lockMs: number): Promise<ActivityWorkItem | undefined> {
    this.assertOpen();
    for (let round = 0; round < 2; round += 1) {
      const now = this.clock.now();
      let next: Held | undefined;
      for (const held of this.activities.values()) {
        if (held.deleting || held.visibleAt > now) continue;
        if (!next || held.seq < next.seq) next = held;
      }
      if (next) {
        next.visibleAt = now + lockMs;
        next.receipt = randomUUID();
        next.deliveries += 1;
        this.wakeAt(next.visibleAt);
        return { ...this.asReceived(next), lockedUntil: next.visibleAt };
      }
      if ((await this.fetch(this.workItems, this.activities)) === 0) return undefined;
    }
    return undefined;
  }

  async completeActivityWorkItem(workItem: ActivityWorkItem, result: TaskMessage): Promise<void> {
    this.assertOpen();
    this.crash.reached('activity-after-side-effect');
    await this.enqueue({ message: result });
    const held = this.activities.get(workItem.messageId);
    if (held && held.receipt === workItem.receipt) await this.deleteHeld(this.activities, held);
  }

  abandonActivityWorkItem(workItem: ActivityWorkItem, delayMs: number): Promise<void> {
    const held = this.activities.get(workItem.messageId);
    if (held && held.receipt === workItem.receipt) {
      held.visibleAt = this.clock.now() + delayMs;
      held.receipt = '';
      this.wakeAt(held.visibleAt);
    }
    return Promise.resolve();
  }

  renewActivityWorkItem(workItem: ActivityWorkItem, lockMs: number): Promise<number> {
    const now = this.clock.now();
    const held = this.activities.get(workItem.messageId);
    if (!held || held.receipt !== workItem.receipt || held.visibleAt <= now) {
      return Promise.reject(new LeaseLostError(`activity message '${workItem.messageId}'`));
    }
    held.visibleAt = now + lockMs;
    this.wakeAt(held.visibleAt);
    return Promise.resolve(held.visibleAt);
  }

  // ---- instances ----

  async createInstance(start: TaskMessage, options: CreateInstanceOptions): Promise<void> {
    this.assertOpen();
    const row = pendingRow(start);
    const existing = await this.safeGetInstance(row.instanceId);
    if (existing && options.dedupeStatuses.includes(existing.runtimeStatus)) {
      throw new InstanceExistsError(existing.instanceId, existing.runtimeStatus);
    }
    // The row goes in before this process may deliver the message, so the first episode finds it.
    const publish = await this.send({ message: start, visibleAt: options.visibleAt });
    await this.tracking.writeInstance(row);
    publish();
  }

  async sendMessage(message: OutboundMessage): Promise<void> {
    this.assertOpen();
    await this.enqueue(message);
  }

  getInstance(instanceId: string): Promise<StoredInstance | undefined> {
    return this.safeGetInstance(instanceId);
  }

  async queryInstances(
    filter: InstanceFilter,
    pageSize: number,
    continuationToken?: string,
  ): Promise<InstancePage> {
    let after: string | undefined;
    if (continuationToken !== undefined) {
      try {
        after = JSON.parse(Buffer.from(continuationToken, 'base64url').toString('utf8')) as string;
      } catch {
        throw new InvalidContinuationTokenError();
      }
      if (typeof after !== 'string') throw new InvalidContinuationTokenError();
    }
    const matching = (await this.matching(filter)).filter(
      (row) => after === undefined || row.instanceId > after,
    );
    const items = matching.slice(0, Math.max(1, pageSize));
    const last = items[items.length - 1];
    const more = matching.length > items.length && last !== undefined;
    return {
      items,
      ...(more
        ? { continuationToken: Buffer.from(JSON.stringify(last.instanceId)).toString('base64url') }
        : {}),
    };
  }

  async readHistory(
    instanceId: string,
  ): Promise<{ executionId: string; events: HistoryEvent[] } | undefined> {
    const history = await this.tracking.readHistory(instanceId);
    return history && { executionId: history.executionId, events: history.events };
  }

  purgeInstance(instanceId: string): Promise<number> {
    return this.tracking.purge(instanceId);
  }

  async purgeInstances(filter: InstanceFilter): Promise<number> {
    let count = 0;
    for (const row of await this.matching(filter)) count += await this.tracking.purge(row.instanceId);
    return count;
  }

  onWorkAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of this.wakeups) cancel();
    this.wakeups.clear();
    this.listeners.clear();
    await Promise.allSettled([...this.fetching.values()]);
    // Give back what is held here but not done, so the next owner need not wait for it to show up.
    // In the order they were enqueued, one at a time, so the queue keeps that order. Only for a
    // while: with a backlog of thousands this would hold a shutdown up for minutes, and what is
    // not given back shows up anyway once its visibility window (`visibilityMs`) ends.
    const held = [...this.control.values(), ...this.activities.values()]
      .filter((h) => !h.deleting)
      .sort((a, b) => a.seq - b.seq);
    const giveBackUntil = Date.now() + GIVE_BACK_BUDGET_MS;
    for (const h of held) {
      if (Date.now() > giveBackUntil) break;
      await h.queue
        .hide(h.messageId, h.popReceipt, Math.max(0, h.visibleAt - this.clock.now()))
        .catch(() => undefined);
    }
    await this.partitions.release();
  }

  // ---- internals ----

  private async safeGetInstance(instanceId: string): Promise<StoredInstance | undefined> {
    try {
      return await this.tracking.getInstance(instanceId);
    } catch (error) {
      if (!(error instanceof CorruptDataError)) throw error;
      this.log('error', error.message);
      return undefined;
    }
  }

  private async matching(filter: InstanceFilter): Promise<StoredInstance[]> {
    const rows = await this.tracking.listInstances(filter.instanceIdPrefix);
    return rows
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
        )
          return false;
        return true;
      })
      .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  }

  private async enqueueAll(outbound: readonly OutboundMessage[]): Promise<void> {
    // Bounded parallelism: a large fan-out is thousands of sends.
    const queue = [...outbound];
    const workers = Array.from({ length: Math.min(16, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.enqueue(next);
    });
    await Promise.all(workers);
  }

  /** Sends a message; a start also creates the target's Pending row unless it has a live one. */
  private async enqueue(outbound: OutboundMessage): Promise<void> {
    const publish = await this.send(outbound);
    const event = outbound.message.event;
    if (event.EventType === EventType.ExecutionStarted) {
      const existing = await this.safeGetInstance(outbound.message.orchestrationInstance.InstanceId);
      const row = pendingRow(outbound.message);
      // A Pending row of another execution is a start that never ran (its episode is being
      // repeated after a crash, with a new execution id): the newer start replaces it.
      const stalePending = existing?.runtimeStatus === 'Pending' && existing.executionId !== row.executionId;
      if (!existing || isTerminal(existing.runtimeStatus) || stalePending)
        await this.tracking.writeInstance(row);
    }
    publish();
  }

  /** Enqueues durably; the returned function makes the message deliverable by this process. */
  private async send(outbound: OutboundMessage): Promise<() => void> {
    const now = this.clock.now();
    const visibleAt = Math.max(now, outbound.visibleAt ?? now);
    const toWorkItems = queueFor(outbound.message) === 'workItems';
    const instanceId = outbound.message.orchestrationInstance.InstanceId;
    const queue = toWorkItems
      ? this.workItems
      : (this.controlQueues[controlQueueIndex(instanceId, this.controlQueues.length)] as TaskHubQueue);
    const table = toWorkItems ? this.activities : this.control;
    const heldHere = !toWorkItems || table.size < MAX_LOCAL_ACTIVITIES;
    // A message held here stays hidden in Azure too, so no read (this process's or another's)
    // takes it before it is published below; after a crash it shows up like any held message.
    const sent = await queue.send(
      outbound.message,
      heldHere ? Math.max(visibleAt - now, this.visibilityMs) : visibleAt - now,
    );
    if (!heldHere) {
      // Enough held here already: this one is read from the queue later, in batches.
      return () => {
        this.nextPoll.delete(queue);
        this.notify();
      };
    }
    return () => {
      table.set(sent.messageId, {
        messageId: sent.messageId,
        queue,
        instanceId,
        message: outbound.message,
        insertedAt: now,
        seq: this.seq++,
        firstDequeueCount: 1,
        blobName: undefined,
        popReceipt: sent.popReceipt,
        visibleAt,
        receipt: '',
        deliveries: 0,
        holds: 0,
        deleting: false,
      });
      if (visibleAt > now) this.wakeAt(visibleAt);
      else this.notify();
    };
  }

  private async fetchControl(): Promise<number> {
    const counts = await Promise.all(this.controlQueues.map((queue) => this.fetch(queue, this.control)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Reads a queue in batches of 32 (while batches come back full and the table has room). */
  private fetch(queue: TaskHubQueue, table: Map<string, Held>): Promise<number> {
    const running = this.fetching.get(queue);
    if (running) return running;
    const poll = this.nextPoll.get(queue);
    if (this.closed || (poll && poll.at > Date.now())) return Promise.resolve(0);
    const run = (async () => {
      let added = 0;
      try {
        for (;;) {
          const batch = await queue.receive(BATCH, this.visibilityMs);
          for (const fetched of batch) if (await this.adopt(queue, table, fetched)) added += 1;
          if (batch.length < BATCH || table.size >= this.bufferThreshold || this.closed) break;
        }
      } finally {
        this.fetching.delete(queue);
      }
      const backoff = added > 0 ? 0 : Math.min(this.maxPollMs, Math.max(50, (poll?.backoff ?? 25) * 2));
      this.nextPoll.set(queue, { at: Date.now() + backoff, backoff });
      return added;
    })();
    this.fetching.set(queue, run);
    return run;
  }

  /** Takes a message read from Azure into the local table; true when it is new work. */
  private async adopt(
    queue: TaskHubQueue,
    table: Map<string, Held>,
    fetched: FetchedMessage,
  ): Promise<boolean> {
    const known = table.get(fetched.messageId);
    if (known) {
      known.popReceipt = fetched.popReceipt;
      return false;
    }
    if (!fetched.message) {
      const reason = fetched.error?.message ?? 'unreadable message';
      const instanceId = fetched.error?.instanceId;
      this.log('error', `Discarded a queue message from '${queue.name}': ${reason}`);
      await queue.delete(fetched.messageId, fetched.popReceipt, fetched.blobName);
      if (instanceId !== undefined) await this.failInstance(instanceId, reason, []);
      return false;
    }
    const now = this.clock.now();
    const due = dueTime(fetched.message);
    if (due !== undefined && due - now > this.visibilityMs) {
      // Delivered early (Azure caps a delay at 7 days, or it was hidden in real time): hide it again.
      await queue.hide(fetched.messageId, fetched.popReceipt, due - now);
      return false;
    }
    table.set(fetched.messageId, {
      messageId: fetched.messageId,
      queue,
      instanceId: fetched.message.orchestrationInstance.InstanceId,
      message: fetched.message,
      insertedAt: fetched.insertedAt,
      seq: this.seq++,
      firstDequeueCount: fetched.dequeueCount,
      blobName: fetched.blobName,
      popReceipt: fetched.popReceipt,
      visibleAt: Math.max(now, due ?? now),
      receipt: '',
      deliveries: 0,
      holds: 0,
      deleting: false,
    });
    return true;
  }

  private async deleteHeld(table: Map<string, Held>, held: Held): Promise<void> {
    held.deleting = true;
    try {
      // A concurrent read may have changed the pop receipt; retry with the new one.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const receipt = held.popReceipt;
        if (await held.queue.delete(held.messageId, receipt, held.blobName)) break;
        if (held.popReceipt === receipt) break;
      }
    } finally {
      table.delete(held.messageId);
    }
  }

  /** Marks an instance whose stored data cannot be read as Failed, saying why, and drops its messages. */
  private async failInstance(instanceId: string, reason: string, held: readonly Held[]): Promise<void> {
    this.log('error', `Instance '${instanceId}' failed: ${reason}`);
    const now = new Date(this.clock.now()).toISOString();
    let row: InstanceRow | undefined;
    let rowUnreadable = false;
    try {
      row = await this.tracking.getInstance(instanceId);
    } catch {
      rowUnreadable = true;
    }
    const started = held.find((h) => h.message.event.EventType === EventType.ExecutionStarted);
    const base =
      row ??
      (started ? pendingRow(started.message) : undefined) ??
      (rowUnreadable ? blankRow(instanceId, now) : undefined);
    if (!base) {
      // No such instance (a foreign or stray message): nothing to fail.
      await Promise.all(held.map((h) => this.deleteHeld(this.control, h)));
      return;
    }
    const failed: InstanceRow = {
      ...base,
      instanceId,
      runtimeStatus: 'Failed',
      output: `devhost could not read this instance's stored data: ${reason}`,
      lastUpdatedTime: now,
      completedTime: now,
    };
    try {
      await this.tracking.writeInstance(failed);
    } catch (error) {
      this.log('error', `Could not mark instance '${instanceId}' Failed: ${String(error)}`);
    }
    await Promise.all(held.map((h) => this.deleteHeld(this.control, h)));
  }

  private unlease(held: Held): void {
    held.receipt = '';
    held.deliveries -= 1;
    held.visibleAt = this.clock.now();
  }

  private asReceived(held: Held): ReceivedMessage {
    return {
      messageId: held.messageId,
      receipt: held.receipt,
      dequeueCount: held.firstDequeueCount + held.deliveries - 1,
      insertedAt: held.insertedAt,
      message: structuredClone(held.message),
    };
  }

  private releaseInstance(instanceId: string, token: string): void {
    if (this.leases.get(instanceId)?.token === token) this.leases.delete(instanceId);
    this.notify();
  }

  private wakeAt(at: number): void {
    if (this.closed) return;
    const cancel = this.clock.schedule(at, () => {
      this.wakeups.delete(cancel);
      this.notify();
    });
    this.wakeups.add(cancel);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The task hub store '${this.taskHubName}' is closed.`);
  }
}

/** Fails fast, with what to do, when nothing answers at the storage endpoints. */
async function probe(connectionString: string): Promise<void> {
  const client = BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1 } });
  try {
    await client.getProperties();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
      throw new StorageConnectionError(
        `Cannot reach Azure Storage at ${client.url} (AzureWebJobsStorage): ${String(code)}. ` +
          'Start Azurite (devhost starts it with --emulators azurite) or point AzureWebJobsStorage at a running account.',
      );
    }
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

function blankRow(instanceId: string, now: string): InstanceRow {
  return {
    instanceId,
    executionId: '',
    name: '',
    version: null,
    input: null,
    output: null,
    customStatus: null,
    runtimeStatus: 'Failed',
    createdTime: now,
    lastUpdatedTime: now,
    completedTime: now,
    scheduledStartTime: null,
    generation: 0,
    parentInstanceId: null,
  };
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
