/**
 * The end of each checkpoint, after its history is written: the Instances row, then the deletes of
 * the messages it consumed (DTF's order). The instance is released for its next episode as soon as
 * its history write is on its way (the next episode starts from the known history, and its own
 * checkpoint waits for that write and is guarded by the ETag it returns), so this part runs behind
 * it, per instance in checkpoint order: rows
 * are written one at a time, and only the newest of those waiting (a row is the whole state, so
 * an older one is never written after a newer one). A crash here leaves a row behind its history
 * (repaired from history when the instance is read again) and messages that are delivered again
 * and dropped as duplicates, exactly as a crash between these writes always could.
 */
import type { Clock } from '../../clock/clock';
import { isTerminal } from '../../protocol/history';
import type { InstanceRow } from '../taskHubStore';
import type { CrashPoints } from './crashPoints';
import type { Held, HeldMessages } from './heldMessages';
import type { InstanceCache } from './instanceCache';
import type { TrackingStore } from './trackingStore';

export interface CheckpointTailsDeps {
  clock: Clock;
  tracking: TrackingStore;
  cache: InstanceCache;
  held: HeldMessages;
  crash: CrashPoints;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Tail {
  readonly waiting: { row: InstanceRow | undefined; deletes: readonly Held[] }[];
  /** Settles when every row queued so far is written (or failed). */
  running: Promise<void>;
  /** Someone reads the row: no more waiting for newer checkpoints. */
  hurried: boolean;
  /** Ends the current wait. */
  hurry: () => void;
}

/**
 * How long a row of a running instance waits for a newer checkpoint of the instance to replace
 * it: several steps of a workflow share one row write. Whoever reads the row through this store
 * (status, a start, a query, a stop) does not wait for it, and a row with a final status goes
 * at once, so only a reader outside this process (Storage Explorer) sees a row up to this much
 * behind; after a crash the row is repaired from history with the instance's next work item.
 */
const ROW_COALESCE_MS = 1_000;

export class CheckpointTails {
  private readonly tails = new Map<string, Tail>();

  constructor(private readonly deps: CheckpointTailsDeps) {}

  /** Queues the row write and the deletes of a checkpoint whose history is written. */
  add(instanceId: string, row: InstanceRow | undefined, deletes: readonly Held[]): void {
    const existing = this.tails.get(instanceId);
    if (existing) {
      existing.waiting.push({ row, deletes });
      // A final status is not held back for newer checkpoints (there are none to come).
      if (row && isTerminal(row.runtimeStatus)) existing.hurry();
      return;
    }
    const tail: Tail = {
      waiting: [{ row, deletes }],
      running: Promise.resolve(),
      hurried: false,
      hurry: () => undefined,
    };
    this.tails.set(instanceId, tail);
    tail.running = this.drain(instanceId, tail);
  }

  /** Resolves once every row queued for the instance so far is in storage. */
  async rowsWritten(instanceId: string): Promise<void> {
    const tail = this.tails.get(instanceId);
    if (!tail) return;
    tail.hurried = true;
    tail.hurry();
    await tail.running;
  }

  /** Resolves once every queued row is in storage. */
  async allRowsWritten(): Promise<void> {
    const tails = [...this.tails.values()];
    for (const tail of tails) {
      tail.hurried = true;
      tail.hurry();
    }
    await Promise.all(tails.map((tail) => tail.running));
  }

  private async drain(instanceId: string, tail: Tail): Promise<void> {
    const { tracking, cache, held, crash, log, clock } = this.deps;
    while (tail.waiting.length > 0) {
      // Wait a little for newer checkpoints of the instance: only the newest row is written.
      const waitingRow = newestRow(tail.waiting);
      if (!tail.hurried && !(waitingRow && isTerminal(waitingRow.runtimeStatus)))
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ROW_COALESCE_MS);
          tail.hurry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      const batch = tail.waiting.splice(0);
      const row = newestRow(batch);
      const deletes = batch.flatMap((entry) => entry.deletes);
      if (row) {
        try {
          await tracking.writeInstance(row);
          crash.reached('after-instance');
        } catch (error) {
          // The row stays behind its history: read the instance again (and repair the row) with
          // its messages, rather than deleting them.
          log(
            'warn',
            `Could not write the Instances row of '${instanceId}'; it is read again: ${String(error)}`,
          );
          cache.delete(instanceId);
          held.table.release(deletes, clock.now());
          continue;
        }
      }
      crash.reached('before-delete');
      held.deleteSoon(deletes);
    }
    this.tails.delete(instanceId);
  }
}

/** The row of the newest checkpoint that has one (a row is the whole state: older ones are moot). */
function newestRow(entries: readonly { row: InstanceRow | undefined }[]): InstanceRow | undefined {
  return entries.reduce<InstanceRow | undefined>((newest, entry) => entry.row ?? newest, undefined);
}
