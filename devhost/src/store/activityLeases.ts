/**
 * The activity side of the lease table: activity messages are delivered one at a time, the oldest
 * deliverable first, from a heap ordered by age. A message that is not visible yet (delayed, or
 * leased) goes to the table's due times, which place it again when it falls due.
 */
import { randomUUID } from 'node:crypto';
import { LeaseLostError } from './errors';
import type { HeldMessage } from './heldMessage';
import { MinHeap } from './minHeap';
import type { ReceivedMessage } from './taskHubStore';

export interface ActivityCell<M> {
  readonly held: M;
  version: number;
}

type Receipt = Pick<ReceivedMessage, 'messageId' | 'receipt'>;

export class ActivityLeases<M extends HeldMessage> {
  private readonly cells = new Map<string, ActivityCell<M>>();
  private readonly ready = new MinHeap<{ cell: ActivityCell<M>; version: number }>();

  /** `later(at, cell, version)`: the cell is deliverable from `at`; `place` it again then, if still live. */
  constructor(private readonly later: (at: number, cell: ActivityCell<M>, version: number) => void) {}

  get size(): number {
    return this.cells.size;
  }

  get(messageId: string): M | undefined {
    return this.cells.get(messageId)?.held;
  }

  messages(): M[] {
    return [...this.cells.values()].map((cell) => cell.held);
  }

  add(held: M, now: number): void {
    const cell: ActivityCell<M> = { held, version: 0 };
    this.cells.set(held.messageId, cell);
    this.place(cell, now);
  }

  /** False when `held` is not the message held under its id (already removed or replaced). */
  remove(held: M): boolean {
    if (this.cells.get(held.messageId)?.held !== held) return false;
    this.cells.delete(held.messageId);
    return true;
  }

  /** Leases the oldest deliverable activity message. */
  lease(now: number, lockMs: number): M | undefined {
    for (let node = this.ready.pop(); node; node = this.ready.pop()) {
      const { cell, version } = node.value;
      const held = cell.held;
      if (!this.isLive(cell, version)) continue;
      if (held.deleting || held.visibleAt > now) continue;
      held.visibleAt = now + lockMs;
      held.receipt = randomUUID();
      held.deliveries += 1;
      this.place(cell, now);
      return held;
    }
    return undefined;
  }

  /** The activity message a work item holds (same receipt), if it still does. */
  leased(received: Receipt): M | undefined {
    const held = this.cells.get(received.messageId)?.held;
    return held && held.receipt === received.receipt && held.receipt !== '' ? held : undefined;
  }

  /** Gives a message back, deliverable from `at`; false when it is no longer held. */
  release(held: M, at: number, now: number): boolean {
    const cell = this.cells.get(held.messageId);
    if (cell?.held !== held) return false;
    held.visibleAt = at;
    held.receipt = '';
    this.place(cell, now);
    return true;
  }

  /** Extends a lease; throws `LeaseLostError` when it ran out or the message moved on. */
  renew(received: Receipt, now: number, lockMs: number): number {
    const held = this.leased(received);
    const cell = this.cells.get(received.messageId);
    if (!held || !cell || held.visibleAt <= now) {
      throw new LeaseLostError(`activity message '${received.messageId}'`);
    }
    held.visibleAt = now + lockMs;
    this.place(cell, now);
    return held.visibleAt;
  }

  isLive(cell: ActivityCell<M>, version: number): boolean {
    return cell.version === version && this.cells.get(cell.held.messageId) === cell;
  }

  /** Recomputes when a message can be delivered: now (ready heap), later (due times), or never. */
  place(cell: ActivityCell<M>, now: number): void {
    cell.version += 1;
    const { held, version } = cell;
    if (held.deleting) return;
    if (held.visibleAt <= now) this.ready.push(held.seq, { cell, version });
    else this.later(held.visibleAt, cell, version);
  }
}
