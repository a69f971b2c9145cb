/**
 * Turns a leased instance into an orchestration work item: its Instances row and history (a row
 * that lags its history is repaired first), with results that arrived before the event that
 * scheduled them held back (DTFAS `IsOutOfOrderMessage`). An instance whose stored data cannot be
 * read is marked Failed with the reason and its messages are dropped; other instances carry on.
 */
import type { Clock } from '../../clock/clock';
import { EventType } from '../../protocol/history';
import { pendingRow } from '../instanceQuery';
import { asReceived } from '../heldMessage';
import type { InstanceLease } from '../leaseTable';
import type { InstanceRow, OrchestrationWorkItem, StoredInstance, TaskMessage } from '../taskHubStore';
import { CorruptDataError } from './corruptData';
import type { Held, HeldMessages } from './heldMessages';
import { isOutOfOrder, repairedInstanceRow } from './historyTruth';
import type { InstanceCache, KnownInstance } from './instanceCache';
import type { TrackingStore } from './trackingStore';

const MAX_OUT_OF_ORDER_HOLDS = 8;

export interface WorkItemReaderDeps {
  clock: Clock;
  tracking: TrackingStore;
  cache: InstanceCache;
  held: HeldMessages;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Resolves once the instance's history write on its way, if any, is over. */
  historyWritten: (instanceId: string) => Promise<void>;
}

export class WorkItemReader {
  constructor(private readonly deps: WorkItemReaderDeps) {}

  /** The work item of a leased instance, or undefined when nothing in it can be delivered now. */
  async read(picked: InstanceLease<Held>): Promise<OrchestrationWorkItem | undefined> {
    const { held: heldMessages, clock, cache } = this.deps;
    const { table } = heldMessages;
    const { instanceId } = picked;
    let known = cache.get(instanceId);
    // A start whose row this process did not write (another client's, or one from before a
    // restart) may have replaced the row: read it again.
    if (known && picked.messages.some((h) => isForeignStart(h.message, known?.row))) known = undefined;
    if (!known) {
      try {
        // Not known here (any more): what storage holds once this process's write is in.
        await this.deps.historyWritten(instanceId);
        known = await this.readStored(instanceId);
      } catch (error) {
        if (error instanceof CorruptDataError) {
          await this.failInstance(instanceId, error.message, picked.messages);
          table.releaseInstance(instanceId, picked.token);
          return undefined;
        }
        throw error;
      }
      cache.set(instanceId, known);
    }
    const { row: instance, history } = known;
    const now = clock.now();
    const early = picked.messages.filter(
      (h) => h.holds < MAX_OUT_OF_ORDER_HOLDS && isOutOfOrder(h.message, history),
    );
    const delivered = picked.messages.filter((h) => !early.includes(h));
    if (delivered.length === 0) {
      // Nothing else to run: wait for the checkpoint that schedules them (which releases them),
      // or, should none come, a growing while.
      for (const h of early) {
        h.holds += 1;
        table.release([h], now + Math.min(500 * 2 ** h.holds, 30_000), true);
      }
      table.releaseInstance(instanceId, picked.token);
      return undefined;
    }
    table.release(early, now, true);
    return {
      instanceId,
      messages: delivered.map(asReceived),
      instance: instance && { ...instance },
      history: history?.events ?? [],
      historyExecutionId: history?.executionId,
      historyEtag: history?.etag,
      lockToken: picked.token,
      lockedUntil: picked.until,
    };
  }

  /** The row and history as stored; a row that lags its history is repaired first. */
  private async readStored(instanceId: string): Promise<KnownInstance> {
    const { tracking, log } = this.deps;
    const [row, history] = await Promise.all([
      tracking.getInstance(instanceId),
      tracking.readHistory(instanceId),
    ]);
    const repaired = repairedInstanceRow(row, history);
    if (!repaired) return { row, history };
    log(
      'warn',
      `Instance '${instanceId}' had an Instances row behind its history; repaired it from history.`,
    );
    const etag = await tracking.writeInstance(repaired);
    return { row: { ...repaired, etag }, history };
  }

  /** Marks an instance whose stored data cannot be read as Failed, saying why, and drops its messages. */
  async failInstance(instanceId: string, reason: string, held: readonly Held[]): Promise<void> {
    const { tracking, held: heldMessages, log, clock, cache } = this.deps;
    log('error', `Instance '${instanceId}' failed: ${reason}`);
    cache.delete(instanceId);
    const now = new Date(clock.now()).toISOString();
    let row: InstanceRow | undefined;
    let rowUnreadable = false;
    try {
      row = await tracking.getInstance(instanceId);
    } catch {
      rowUnreadable = true;
    }
    const started = held.find((h) => h.message.event.EventType === EventType.ExecutionStarted);
    const base =
      row ??
      (started ? pendingRow(started.message) : undefined) ??
      (rowUnreadable ? blankRow(instanceId, now) : undefined);
    if (base) {
      const failed: InstanceRow = {
        ...base,
        instanceId,
        runtimeStatus: 'Failed',
        output: `devhost could not read this instance's stored data: ${reason}`,
        lastUpdatedTime: now,
        completedTime: now,
      };
      try {
        await tracking.writeInstance(failed);
      } catch (error) {
        log('error', `Could not mark instance '${instanceId}' Failed: ${String(error)}`);
      }
    }
    // Without a row there is no such instance (a foreign or stray message): nothing to fail.
    await Promise.all(held.map((h) => heldMessages.delete(h)));
  }
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

/** A start for an execution other than the one the known row names. */
function isForeignStart(message: TaskMessage, row: StoredInstance | undefined): boolean {
  const event = message.event;
  return (
    event.EventType === EventType.ExecutionStarted &&
    event.OrchestrationInstance.ExecutionId !== row?.executionId
  );
}
