/**
 * The `TaskHubStore` over Azure Storage (Azurite or an account) in DTF's layout: `<hub>Instances`
 * and `<hub>History` tables, `<hub>-control-NN` and `<hub>-workitems` queues, `<hub>-largemessages`
 * and `<hub>-leases` containers.
 *
 * The work is split by job: `provisioning.ts` opens the hub, `heldMessages.ts` keeps the messages
 * this process holds (the shared lease table, fed by its own sends and by queue reads),
 * `workItemReader.ts` assembles work items, `checkpointWriter.ts` writes checkpoints in DTF's
 * order. Holding messages locally is what lets one design serve both the real clock and the
 * virtual one: leases and delays run on the store's `Clock`, Azure visibility only decides how
 * soon a crash is recovered.
 */
import type { HistoryEvent } from '../../protocol/history';
import type { Clock } from '../../clock/clock';
import { attempt } from '../attempt';
import { instancePage, matchingInstances } from '../instanceQuery';
import { asReceived } from '../heldMessage';
import type {
  ActivityWorkItem,
  CreateInstanceOptions,
  InstanceFilter,
  InstancePage,
  OrchestrationCheckpoint,
  OrchestrationWorkItem,
  OutboundMessage,
  StoredInstance,
  TaskHubStore,
  TaskMessage,
} from '../taskHubStore';
import { CheckpointWriter } from './checkpointWriter';
import { CrashPoints, parseCrashSetting } from './crashPoints';
import { HeldMessages } from './heldMessages';
import { InstanceCache } from './instanceCache';
import type { LeanQueueCalls } from './leanQueueCalls';
import type { PartitionLeases } from './partitionLeases';
import { provisionTaskHub, type ProvisionedHub } from './provisioning';
import type { StorageCalls } from './storageCalls';
import type { TrackingStore } from './trackingStore';
import { WorkItemReader } from './workItemReader';

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
  /** How often the partition leases are renewed (default 10 s; they last 30 s). */
  leaseRenewMs?: number;
  /** Messages read ahead per control queue before the local table is considered full. */
  bufferThreshold?: number;
  owner?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** `DEVHOST_CRASH_AT`, for the recovery tests. */
  crashAt?: string;
}

export class AzureTaskHubStore implements TaskHubStore {
  readonly taskHubName: string;
  /** Storage calls made so far, by service (for the benchmarks). */
  readonly calls: StorageCalls;
  private readonly clock: Clock;
  private readonly crash: CrashPoints;
  private readonly tracking: TrackingStore;
  private readonly partitions: PartitionLeases;
  private readonly lean: LeanQueueCalls | undefined;
  private readonly held: HeldMessages;
  private readonly cache = new InstanceCache();
  private readonly reader: WorkItemReader;
  private readonly writer: CheckpointWriter;
  /** Set by the first `close()`: from then on the store is closed. */
  private closing: Promise<void> | undefined;

  private constructor(options: AzureTaskHubStoreOptions, hub: ProvisionedHub) {
    const log = options.log ?? (() => undefined);
    this.taskHubName = options.taskHubName;
    this.clock = options.clock;
    this.calls = hub.calls;
    this.crash = new CrashPoints(parseCrashSetting(options.crashAt));
    this.tracking = hub.tracking;
    this.partitions = hub.partitions;
    this.lean = hub.lean;
    this.held = new HeldMessages({
      clock: options.clock,
      controlQueues: hub.controlQueues,
      workItems: hub.workItems,
      visibilityMs: options.visibilityMs ?? 10_000,
      maxPollMs: options.maxPollIntervalMs ?? 1_000,
      bufferThreshold: options.bufferThreshold ?? 256,
      log,
      onUnreadable: (instanceId, reason) => this.reader.failInstance(instanceId, reason, []),
    });
    const deps = {
      clock: options.clock,
      tracking: hub.tracking,
      cache: this.cache,
      held: this.held,
      crash: this.crash,
      log,
    };
    this.reader = new WorkItemReader({
      ...deps,
      historyWritten: (instanceId) => this.writer.historyWritten(instanceId),
    });
    this.writer = new CheckpointWriter(deps);
    // Orchestration work held back while the leases could not be renewed goes on once they are.
    this.partitions.onRegained(() => this.held.table.notify());
  }

  /** Creates the hub's tables, queues and containers if needed and takes its partition leases. */
  static async open(options: AzureTaskHubStoreOptions): Promise<AzureTaskHubStore> {
    const hub = await provisionTaskHub({ ...options, log: options.log ?? (() => undefined) });
    return new AzureTaskHubStore(options, hub);
  }

  // ---- orchestration work items ----

  async receiveOrchestrationWorkItem(lockMs: number): Promise<OrchestrationWorkItem | undefined> {
    this.assertOpen();
    // Another owner has the partitions now: processing them here too would run work twice, and
    // what this process knows of their instances may be stale.
    if (!this.partitions.healthy) {
      this.cache.clear();
      return undefined;
    }
    const { table } = this.held;
    for (let round = 0; round < 4; round += 1) {
      const picked = await this.leaseWhileReading(
        () => table.leaseInstance(lockMs),
        () => this.held.reader.readControl(),
      );
      if (!picked) return undefined;
      let item: OrchestrationWorkItem | undefined;
      try {
        item = await this.reader.read(picked);
      } catch (error) {
        // Storage failed while reading: give the messages back at once rather than after the lease.
        table.release(
          picked.messages.filter((h) => h.receipt !== '' && !h.deleting),
          this.clock.now(),
          true,
        );
        table.releaseInstance(picked.instanceId, picked.token);
        throw error;
      }
      if (item) return item;
    }
    return undefined;
  }

  completeOrchestrationWorkItem(
    workItem: OrchestrationWorkItem,
    checkpoint: OrchestrationCheckpoint,
  ): Promise<void> {
    this.assertOpen();
    return this.writer.complete(workItem, checkpoint);
  }

  abandonOrchestrationWorkItem(workItem: OrchestrationWorkItem, delayMs: number): Promise<void> {
    const { table } = this.held;
    // The work item failed somewhere: read the instance again next time.
    this.cache.delete(workItem.instanceId);
    table.release(table.leasedMessages(workItem.messages), this.clock.now() + delayMs);
    table.releaseInstance(workItem.instanceId, workItem.lockToken);
    return Promise.resolve();
  }

  renewOrchestrationWorkItem(workItem: OrchestrationWorkItem, lockMs: number): Promise<number> {
    const { instanceId, lockToken, messages } = workItem;
    return attempt(() => {
      // Its instance is free already while its history is written: only its messages stay leased.
      if (this.writer.isWriting(lockToken)) return this.held.table.renewMessages(messages, lockMs);
      try {
        return this.held.table.renewInstance(instanceId, lockToken, lockMs, messages);
      } catch (error) {
        // Someone else may hold the instance now.
        this.cache.delete(instanceId);
        throw error;
      }
    });
  }

  // ---- activity work items ----

  async receiveActivityWorkItem(lockMs: number): Promise<ActivityWorkItem | undefined> {
    this.assertOpen();
    const held = await this.leaseWhileReading(
      () => this.held.table.leaseActivity(lockMs),
      () => this.held.reader.readActivities(),
    );
    return held && { ...asReceived(held), lockedUntil: held.visibleAt };
  }

  async completeActivityWorkItem(workItem: ActivityWorkItem, result: TaskMessage): Promise<void> {
    this.assertOpen();
    this.crash.reached('activity-after-side-effect');
    const held = this.held.table.leasedActivity(workItem);
    if (held && this.partitions.healthy) {
      // This process runs the instance too: the result goes to it from memory, and the activity's
      // message stays in its queue as the result's durable copy until the checkpoint that records it.
      this.held.holdResult(result, held);
      return;
    }
    await this.writer.enqueue({ message: result });
    // The result is in its queue: the activity message can go in the background.
    if (held) this.held.deleteSoon([held]);
  }

  abandonActivityWorkItem(workItem: ActivityWorkItem, delayMs: number): Promise<void> {
    const held = this.held.table.leasedActivity(workItem);
    if (held) this.held.table.releaseActivity(held, this.clock.now() + delayMs);
    return Promise.resolve();
  }

  renewActivityWorkItem(workItem: ActivityWorkItem, lockMs: number): Promise<number> {
    return attempt(() => this.held.table.renewActivity(workItem, lockMs));
  }

  // ---- instances ----

  createInstance(start: TaskMessage, options: CreateInstanceOptions): Promise<void> {
    this.assertOpen();
    this.crash.reached('before-start');
    return this.writer.createInstance(start, options);
  }

  async sendMessage(message: OutboundMessage): Promise<void> {
    this.assertOpen();
    await this.writer.enqueue(message);
  }

  getInstance(instanceId: string): Promise<StoredInstance | undefined> {
    return this.writer.safeGetInstance(instanceId);
  }

  async queryInstances(
    filter: InstanceFilter,
    pageSize: number,
    continuationToken?: string,
  ): Promise<InstancePage> {
    await this.writer.allRowsWritten();
    const rows = await this.tracking.listInstances(filter.instanceIdPrefix);
    return instancePage(matchingInstances(rows, filter), pageSize, continuationToken);
  }

  async readHistory(
    instanceId: string,
  ): Promise<{ executionId: string; events: HistoryEvent[] } | undefined> {
    await this.writer.historyWritten(instanceId);
    const history = await this.tracking.readHistory(instanceId);
    return history && { executionId: history.executionId, events: history.events };
  }

  async purgeInstance(instanceId: string): Promise<number> {
    await this.writer.rowsWritten(instanceId);
    this.cache.delete(instanceId);
    const purged = await this.tracking.purge(instanceId);
    this.cache.delete(instanceId);
    return purged;
  }

  async purgeInstances(filter: InstanceFilter): Promise<number> {
    await this.writer.allRowsWritten();
    const rows = matchingInstances(await this.tracking.listInstances(filter.instanceIdPrefix), filter);
    let count = 0;
    for (const row of rows) count += await this.purgeInstance(row.instanceId);
    return count;
  }

  onWorkAvailable(listener: () => void): () => void {
    return this.held.table.onWorkAvailable(listener);
  }

  /** Closes once; a second call waits for the first (a stop and a cleanup may both close). */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    // Nothing is received from here on: the queues are not read while the last writes finish
    // (with a large checkpoint still on its way at a stop's deadline, they were read until exit).
    await this.held.stopReading();
    await this.writer.allRowsWritten();
    await this.held.close();
    this.lean?.close();
    await this.partitions.release();
  }

  /**
   * Leases from the table; when it has nothing, reads the queues (if a read is due) and leases
   * again. Work that becomes deliverable here while the read is on its way is leased at once: a
   * queue read waits its turn behind the checkpoints' writes (and a backlog of deletes), and with
   * a busy storage emulator that took seconds, while a pump waiting on it ran nothing (the read
   * goes on either way). A read that brought messages none of which can be leased yet returns
   * nothing here; its wake-up brings the pump back.
   */
  private async leaseWhileReading<T>(
    lease: () => T | undefined,
    read: () => Promise<number>,
  ): Promise<T | undefined> {
    let leased = lease();
    if (leased !== undefined) return leased;
    const reading = read();
    for (;;) {
      let unsubscribe = (): void => undefined;
      const work = new Promise<'work'>((resolve) => {
        unsubscribe = this.held.table.onWorkAvailable(() => resolve('work'));
      });
      let woken: number | 'work';
      try {
        woken = await Promise.race([reading, work]);
      } finally {
        unsubscribe();
      }
      if (woken === 0) return undefined;
      leased = lease();
      if (leased !== undefined || woken !== 'work') return leased;
    }
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new Error(`The task hub store '${this.taskHubName}' is closed.`);
  }
}
