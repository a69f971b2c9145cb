/**
 * History writes on their way, one per instance at most: a checkpoint releases its instance as
 * soon as its history write is sent, so the instance's next episode can run while the batch is
 * in flight. That episode's work item carries a placeholder ETag naming the write it was built
 * on; its own checkpoint waits for that write and takes the real ETag from it (and fails when
 * the write failed). DTF sends a checkpoint's messages before its history, so there too an
 * activity may run before the history that schedules it is stored; what this adds is that the
 * instance's next episode may run then as well (its results are recorded only after that history).
 */
import { randomUUID } from 'node:crypto';

const PLACEHOLDER_PREFIX = 'devhost-pending:';

/**
 * Settled writes kept for work items built on them that are still to checkpoint. One evicted too
 * early costs a retry (the work item is treated as a conflict), never correctness.
 */
const MAX_SETTLED = 4096;

export interface PendingHistory {
  /** The placeholder ETag of the history being written. */
  readonly token: string;
  /** The checkpoint is over (written and queued behind, or failed). */
  settle(): void;
}

interface Entry {
  readonly token: string;
  readonly written: Promise<string>;
  readonly settled: Promise<void>;
  done: boolean;
}

export class PendingHistories {
  private readonly byInstance = new Map<string, Entry>();

  static isPlaceholder(etag: string | undefined): etag is string {
    return etag !== undefined && etag.startsWith(PLACEHOLDER_PREFIX);
  }

  /** Records the instance's history write; `written` resolves to the stored history's ETag. */
  begin(instanceId: string, written: Promise<string>): PendingHistory {
    let settle = (): void => undefined;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const entry: Entry = { token: `${PLACEHOLDER_PREFIX}${randomUUID()}`, written, settled, done: false };
    // Newest last, so the oldest settled entries go first.
    this.byInstance.delete(instanceId);
    this.byInstance.set(instanceId, entry);
    if (this.byInstance.size > MAX_SETTLED) {
      for (const [id, old] of this.byInstance) {
        if (this.byInstance.size <= MAX_SETTLED) break;
        if (old.done) this.byInstance.delete(id);
      }
    }
    return {
      token: entry.token,
      settle: () => {
        entry.done = true;
        settle();
      },
    };
  }

  /** The write a placeholder names, while it is the instance's newest; undefined otherwise. */
  written(instanceId: string, token: string): Promise<string> | undefined {
    const entry = this.byInstance.get(instanceId);
    return entry?.token === token ? entry.written : undefined;
  }

  /** Resolves when the instance's newest checkpoint with a history write is over. */
  settled(instanceId: string): Promise<void> {
    return this.byInstance.get(instanceId)?.settled ?? Promise.resolve();
  }

  async allSettled(): Promise<void> {
    await Promise.all([...this.byInstance.values()].filter((e) => !e.done).map((e) => e.settled));
  }
}
