/**
 * What this process knows of an instance's stored state: its Instances row and its current
 * execution's history with the sentinel's ETag, as last read or written here. While the process
 * owns the hub's partitions nobody else checkpoints these instances, so the next work item of an
 * instance is built from here instead of reading the row and the whole history again (that read
 * grows with the history, which makes a long sequence quadratic). The ETag-guarded history batch
 * stays the check: a checkpoint built on stale knowledge fails with a conflict, the entry is
 * dropped and the redelivered work item reads from storage. Bounded by an estimate of its bytes,
 * least recently used first out.
 */
import { deepFreeze } from '../frozen';
import { extendsHistory, type HistoryEvent } from '../../protocol/history';
import type { StoredInstance } from '../taskHubStore';
import type { StoredHistory } from './trackingStore';

export interface KnownInstance {
  /** Undefined: there is no row. */
  readonly row: StoredInstance | undefined;
  /** Undefined: there is no history. Events are frozen (shared with every work item). */
  readonly history: StoredHistory | undefined;
}

interface Entry extends KnownInstance {
  readonly bytes: number;
  /** The part of `bytes` that is the history's events. */
  readonly historyBytes: number;
}

/** Default bound of the cache: histories of a few thousand busy instances. */
const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024;

export class InstanceCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes = DEFAULT_CACHE_BYTES) {}

  get(instanceId: string): KnownInstance | undefined {
    const entry = this.entries.get(instanceId);
    if (!entry) return undefined;
    this.entries.delete(instanceId);
    this.entries.set(instanceId, entry);
    return entry;
  }

  /**
   * Records what was just read or written; `history.events` are frozen in place. A history that
   * extends the one known is frozen and measured from where that one ended (a checkpoint's
   * history is the one before it plus its new events: walking it all each time grew with it).
   */
  set(instanceId: string, known: KnownInstance): void {
    const before = this.entries.get(instanceId);
    this.delete(instanceId);
    const events = known.history?.events ?? [];
    // Work items share the array too.
    Object.freeze(events);
    const knownEvents = before?.history?.events ?? [];
    const from = extendsHistory(knownEvents, events) ? knownEvents.length : 0;
    let historyBytes = from > 0 ? (before?.historyBytes ?? 0) : 0;
    for (let index = from; index < events.length; index++) {
      const event = deepFreeze(events[index] as HistoryEvent);
      historyBytes += eventSize(event);
    }
    const bytes = 256 + (known.row ? valueBytes(known.row) : 0) + historyBytes;
    if (bytes > this.maxBytes) return;
    this.entries.set(instanceId, { ...known, bytes, historyBytes });
    this.bytes += bytes;
    for (const [id, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(id);
      this.bytes -= entry.bytes;
    }
  }

  /** Replaces the known row, when the history is known too. */
  setRow(instanceId: string, row: StoredInstance): void {
    const entry = this.entries.get(instanceId);
    if (entry) this.set(instanceId, { row, history: entry.history });
  }

  /** The history known as `token` (a write on its way) is stored with this ETag now. */
  settleEtag(instanceId: string, token: string, etag: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry?.history || entry.history.etag !== token) return;
    this.entries.set(instanceId, { ...entry, history: { ...entry.history, etag } });
  }

  delete(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry) return;
    this.entries.delete(instanceId);
    this.bytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

const eventBytes = new WeakMap<HistoryEvent, number>();

function eventSize(event: HistoryEvent): number {
  let size = eventBytes.get(event);
  if (size === undefined) {
    size = valueBytes(event);
    eventBytes.set(event, size);
  }
  return size;
}

/** A rough size in bytes (strings count twice their length, as V8 may store them). */
function valueBytes(value: StoredInstance | HistoryEvent): number {
  let bytes = 64;
  for (const field of Object.values(value)) bytes += typeof field === 'string' ? 2 * field.length + 16 : 16;
  return bytes;
}
