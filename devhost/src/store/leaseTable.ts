/**
 * The lease and visibility table of the queue messages a store holds, shared by both stores: the
 * memory store keeps all its messages here, the azure store the ones this process holds. On the
 * store's clock it decides which messages are deliverable, leased, delayed or released, hands out
 * orchestration work items per instance (oldest deliverable message first, every visible message
 * of that instance at once) and activity messages oldest first, and wakes its listeners when
 * something falls due. Deliveries are indexed (ready heaps by age, one heap of due times, one
 * clock timer for the earliest), so a receive costs O(log n) however many messages are held.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/clock';
import { EventType } from '../protocol/history';
import { ActivityLeases, type ActivityCell } from './activityLeases';
import { LeaseLostError } from './errors';
import { DueTimes } from './dueTimes';
import type { HeldMessage } from './heldMessage';
import { MinHeap } from './minHeap';
import type { ReceivedMessage } from './taskHubStore';

export interface InstanceLease<M> {
  instanceId: string;
  token: string;
  until: number;
  /** The instance's visible messages, oldest first, now leased. */
  messages: M[];
}

interface InstanceSlot<M> {
  readonly instanceId: string;
  /** In the order added, which is age order. */
  readonly messages: Map<string, M>;
  lease: { token: string; until: number } | undefined;
  /** Changes whenever the slot's readiness is recomputed; older heap entries are stale. */
  version: number;
  /** The version whose entry is in the ready heap, if any. */
  readyVersion: number;
  /** On the store's clock: when the current lease began. */
  leasedAt: number;
}

/**
 * After an episode, an instance whose new messages are only activity results, while more of its
 * activities are still to finish, waits as long as the episode took (at most this) before its next
 * one: a fan-out then replays its history once per batch of results rather than once per result,
 * so replay takes at most about half of the time. On a virtual clock episodes take no time and
 * nothing waits.
 */
const MAX_COOL_MS = 500;

type Due<M> =
  | { kind: 'instance'; slot: InstanceSlot<M>; version: number }
  | { kind: 'activity'; cell: ActivityCell<M>; version: number };

export class LeaseTable<M extends HeldMessage> {
  private readonly instances = new Map<string, InstanceSlot<M>>();
  private readonly control = new Map<string, M>();
  private readonly activities = new ActivityLeases<M>((at, cell, version) =>
    this.due.push(at, { kind: 'activity', cell, version }),
  );
  private readonly readyInstances = new MinHeap<{ slot: InstanceSlot<M>; version: number }>();
  private readonly due: DueTimes<Due<M>>;
  private readonly listeners = new Set<() => void>();
  /** Per instance, the ids of its held activity messages that are still to finish. */
  private readonly unfinished = new Map<string, Set<string>>();
  /** Per instance with unfinished activities: until when its results wait after its last episode. */
  private readonly cooling = new Map<string, number>();
  private seq = 0;

  constructor(private readonly clock: Clock) {
    this.due = new DueTimes({
      clock,
      isLive: (entry) => this.isLive(entry),
      onDue: (entry, now) =>
        entry.kind === 'instance' ? this.refresh(entry.slot, now) : this.activities.place(entry.cell, now),
      onWake: () => this.notify(),
    });
  }

  get controlCount(): number {
    return this.control.size;
  }

  get activityCount(): number {
    return this.activities.size;
  }

  controlMessage(messageId: string): M | undefined {
    return this.control.get(messageId);
  }

  activityMessage(messageId: string): M | undefined {
    return this.activities.get(messageId);
  }

  /** The control messages held for one instance, oldest first. */
  messagesOf(instanceId: string): M[] {
    return [...(this.instances.get(instanceId)?.messages.values() ?? [])];
  }

  /** Every held message not being deleted, oldest first. */
  held(): M[] {
    return [...this.control.values(), ...this.activities.messages()]
      .filter((held) => !held.deleting)
      .sort((a, b) => a.seq - b.seq);
  }

  /** `notify: false` leaves waking the listeners to the caller (a read adding a batch). */
  addControl(held: M, notify = true): void {
    held.seq = this.seq++;
    let slot = this.instances.get(held.instanceId);
    if (!slot) {
      slot = {
        instanceId: held.instanceId,
        messages: new Map(),
        lease: undefined,
        version: 0,
        readyVersion: -1,
        leasedAt: 0,
      };
      this.instances.set(held.instanceId, slot);
    }
    slot.messages.set(held.messageId, held);
    this.control.set(held.messageId, held);
    const now = this.clock.now();
    // A leased instance is looked at again when its lease ends; one already ready keeps its older key.
    if (!slot.lease || slot.lease.until <= now) {
      if (held.visibleAt > now)
        this.due.push(held.visibleAt, { kind: 'instance', slot, version: slot.version });
      else if (slot.readyVersion !== slot.version) this.refresh(slot, now);
    }
    this.changed(notify && held.visibleAt <= now);
  }

  addActivity(held: M): void {
    held.seq = this.seq++;
    const now = this.clock.now();
    this.activities.add(held, now);
    let ids = this.unfinished.get(held.instanceId);
    if (!ids) this.unfinished.set(held.instanceId, (ids = new Set()));
    ids.add(held.messageId);
    this.changed(held.visibleAt <= now);
  }

  /** Removes a control message (deleted, or dropped). */
  removeControl(held: M): void {
    if (this.control.get(held.messageId) !== held) return;
    this.control.delete(held.messageId);
    const slot = this.instances.get(held.instanceId);
    if (!slot) return;
    slot.messages.delete(held.messageId);
    if (slot.messages.size === 0 && !slot.lease) this.instances.delete(held.instanceId);
    else if (!held.deleting && !slot.lease) this.refresh(slot, this.clock.now());
    this.due.arm();
  }

  removeActivity(held: M): void {
    if (this.activities.remove(held)) {
      this.finished(held);
      this.due.arm();
    }
  }

  /** Leases the instance with the oldest deliverable message, with all its visible messages. */
  leaseInstance(lockMs: number): InstanceLease<M> | undefined {
    const now = this.clock.now();
    this.due.drain(now);
    for (let node = this.readyInstances.pop(); node; node = this.readyInstances.pop()) {
      const { slot, version } = node.value;
      if (!this.isCurrent(slot, version)) continue;
      const until = now + lockMs;
      const messages: M[] = [];
      for (const held of slot.messages.values()) {
        if (held.deleting || held.visibleAt > now) continue;
        held.visibleAt = until;
        held.receipt = randomUUID();
        held.deliveries += 1;
        messages.push(held);
      }
      if (messages.length === 0) {
        this.refresh(slot, now);
        continue;
      }
      const token = randomUUID();
      slot.lease = { token, until };
      slot.leasedAt = now;
      this.refresh(slot, now);
      this.due.arm();
      return { instanceId: slot.instanceId, token, until, messages };
    }
    return undefined;
  }

  /** Ends an instance lease if `token` still holds it, and wakes the listeners. */
  releaseInstance(instanceId: string, token: string): void {
    const slot = this.instances.get(instanceId);
    if (slot?.lease?.token === token) {
      const now = this.clock.now();
      slot.lease = undefined;
      const took = Math.min(now - slot.leasedAt, MAX_COOL_MS);
      if (took > 0 && this.unfinished.has(instanceId)) this.cooling.set(instanceId, now + took);
      this.refresh(slot, now);
      this.due.arm();
    }
    this.notify();
  }

  /** Extends an instance lease and its messages; throws `LeaseLostError` when it ran out or moved on. */
  renewInstance(
    instanceId: string,
    token: string,
    lockMs: number,
    received: readonly Pick<ReceivedMessage, 'messageId' | 'receipt'>[],
  ): number {
    const slot = this.instances.get(instanceId);
    const now = this.clock.now();
    if (!slot?.lease || slot.lease.token !== token || slot.lease.until <= now) {
      throw new LeaseLostError(`the work item of instance '${instanceId}'`);
    }
    const until = now + lockMs;
    slot.lease.until = until;
    for (const held of this.leasedMessages(received)) held.visibleAt = until;
    this.refresh(slot, now);
    this.due.arm();
    return until;
  }

  /** Extends the leases of a work item's control messages (its instance is no longer leased). */
  renewMessages(received: readonly Pick<ReceivedMessage, 'messageId' | 'receipt'>[], lockMs: number): number {
    const until = this.clock.now() + lockMs;
    for (const held of this.leasedMessages(received)) held.visibleAt = until;
    this.due.arm();
    return until;
  }

  /** The control messages of a work item that it still holds (same receipt). */
  leasedMessages(received: readonly Pick<ReceivedMessage, 'messageId' | 'receipt'>[]): M[] {
    const out: M[] = [];
    for (const r of received) {
      const held = this.control.get(r.messageId);
      if (held && held.receipt === r.receipt && held.receipt !== '') out.push(held);
    }
    return out;
  }

  /**
   * Gives control messages back (also ones marked for deletion), deliverable from `at`.
   * `undeliver` also takes back the delivery count (they were taken but never handed to anyone).
   */
  release(messages: readonly M[], at: number, undeliver = false): void {
    const slots = new Set<InstanceSlot<M>>();
    for (const held of messages) {
      held.visibleAt = at;
      held.receipt = '';
      held.deleting = false;
      if (undeliver) held.deliveries -= 1;
      const slot = this.instances.get(held.instanceId);
      if (slot) slots.add(slot);
    }
    const now = this.clock.now();
    for (const slot of slots) if (!slot.lease) this.refresh(slot, now);
    this.changed(at <= now);
  }

  /** Marks control messages as being deleted: they are never delivered again. */
  markDeleting(messages: readonly M[]): void {
    for (const held of messages) {
      held.deleting = true;
      held.receipt = '';
      if (this.activities.get(held.messageId) === held) this.finished(held);
    }
  }

  /** Leases the oldest deliverable activity message. */
  leaseActivity(lockMs: number): M | undefined {
    const now = this.clock.now();
    this.due.drain(now);
    const held = this.activities.lease(now, lockMs);
    if (held) this.due.arm();
    return held;
  }

  /** The activity message a work item holds (same receipt), if it still does. */
  leasedActivity(received: Pick<ReceivedMessage, 'messageId' | 'receipt'>): M | undefined {
    return this.activities.leased(received);
  }

  releaseActivity(held: M, at: number): void {
    const now = this.clock.now();
    if (this.activities.release(held, at, now)) this.changed(at <= now);
  }

  /** Extends an activity lease; throws `LeaseLostError` when it ran out or moved on. */
  renewActivity(received: Pick<ReceivedMessage, 'messageId' | 'receipt'>, lockMs: number): number {
    const until = this.activities.renew(received, this.clock.now(), lockMs);
    this.due.arm();
    return until;
  }

  onWorkAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Stops the timer and forgets the listeners; the messages stay readable (for a graceful stop). */
  close(): void {
    this.due.close();
    this.listeners.clear();
  }

  private isCurrent(slot: InstanceSlot<M>, version: number): boolean {
    return slot.version === version && this.instances.get(slot.instanceId) === slot;
  }

  /** Recomputes when an instance can be delivered: now (ready heap), later (due heap), or never. */
  private refresh(slot: InstanceSlot<M>, now: number): void {
    slot.version += 1;
    const version = slot.version;
    if (slot.lease && slot.lease.until <= now) slot.lease = undefined;
    if (slot.lease) {
      this.due.push(slot.lease.until, { kind: 'instance', slot, version });
      return;
    }
    if (slot.messages.size === 0) {
      this.instances.delete(slot.instanceId);
      return;
    }
    let first: M | undefined;
    let next = Infinity;
    let onlyResults = true;
    for (const held of slot.messages.values()) {
      if (held.deleting) continue;
      if (held.visibleAt <= now) {
        first ??= held;
        onlyResults &&= isResult(held);
      } else if (held.visibleAt < next) next = held.visibleAt;
    }
    const coolUntil = this.cooling.get(slot.instanceId) ?? 0;
    if (coolUntil <= now) this.cooling.delete(slot.instanceId);
    else if (first && onlyResults) {
      this.due.push(coolUntil, { kind: 'instance', slot, version });
      return;
    }
    if (first) {
      this.readyInstances.push(first.seq, { slot, version });
      slot.readyVersion = version;
    }
    if (next !== Infinity) this.due.push(next, { kind: 'instance', slot, version });
  }

  /** An activity of the instance finished (or went): once none is left, a cooling instance goes now. */
  private finished(held: M): void {
    const ids = this.unfinished.get(held.instanceId);
    if (!ids?.delete(held.messageId) || ids.size > 0) return;
    this.unfinished.delete(held.instanceId);
    if (!this.cooling.delete(held.instanceId)) return;
    const slot = this.instances.get(held.instanceId);
    if (slot && !slot.lease) {
      this.refresh(slot, this.clock.now());
      this.notify();
    }
  }

  private isLive(entry: Due<M>): boolean {
    if (entry.kind === 'instance') return this.isCurrent(entry.slot, entry.version);
    return this.activities.isLive(entry.cell, entry.version);
  }

  private changed(visibleNow: boolean): void {
    this.due.arm();
    if (visibleNow) this.notify();
  }
}

function isResult(held: HeldMessage): boolean {
  const type = held.message.event.EventType;
  return type === EventType.TaskCompleted || type === EventType.TaskFailed;
}
