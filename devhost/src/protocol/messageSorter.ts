/**
 * Ordering and de-duplication of requests sent to entities, as the extension's `MessageSorter` does
 * (EXT `EntityScheduler/MessageSorter.cs`). Senders (orchestrations, entities) label each request
 * per destination with a timestamp and the timestamp of their previous request to it; the entity
 * delivers a sender's requests in label order, holds back a request whose predecessor it has not
 * seen yet, and drops one it has already delivered (a redelivered queue message). Labels older than
 * the reorder window stop taking part. Client signals and forwarded lock requests are not labelled.
 *
 * The persisted shape is the extension's (`LastSentToInstance`, `ReceivedFromInstance`,
 * `ReceiveHorizon`, `SendHorizon`, default values omitted). Pure.
 */
import { formatTicks, MIN_TICKS, parseTicks, ticksFromMs } from './dotnetTime';
import type { RequestMessage } from './entityMessages';

/** The extension collects expired entries at most every 10 seconds. */
const MIN_INTERVAL_BETWEEN_COLLECTIONS = ticksFromMs(10_000);

export interface ReceiveBufferJson {
  Last: string;
  ExecutionId?: string;
  Buffered?: Record<string, RequestMessage>;
}

export interface MessageSorterJson {
  LastSentToInstance?: Record<string, string>;
  ReceivedFromInstance?: Record<string, ReceiveBufferJson>;
  ReceiveHorizon?: string;
  SendHorizon?: string;
}

interface ReceiveBuffer {
  last: bigint;
  executionId: string | undefined;
  /** Held-back requests by timestamp. */
  buffered: Map<bigint, RequestMessage>;
}

export class MessageSorter {
  /** Keys are lower-cased: the extension compares instance ids ignoring case. */
  private readonly lastSent = new Map<string, bigint>();
  private readonly received = new Map<string, ReceiveBuffer>();
  private receiveHorizon = MIN_TICKS;
  private sendHorizon = MIN_TICKS;

  static fromJSON(json: MessageSorterJson | undefined): MessageSorter {
    const sorter = new MessageSorter();
    if (!json) return sorter;
    for (const [destination, at] of Object.entries(json.LastSentToInstance ?? {})) {
      sorter.lastSent.set(destination.toLowerCase(), ticksOf(at));
    }
    for (const [source, buffer] of Object.entries(json.ReceivedFromInstance ?? {})) {
      const buffered = new Map<bigint, RequestMessage>();
      for (const message of Object.values(buffer.Buffered ?? {})) {
        buffered.set(ticksOf(message.Timestamp), message);
      }
      sorter.received.set(source.toLowerCase(), {
        last: ticksOf(buffer.Last),
        executionId: buffer.ExecutionId,
        buffered,
      });
    }
    sorter.receiveHorizon = ticksOf(json.ReceiveHorizon);
    sorter.sendHorizon = ticksOf(json.SendHorizon);
    return sorter;
  }

  toJSON(): MessageSorterJson {
    const json: MessageSorterJson = {};
    if (this.lastSent.size > 0) {
      json.LastSentToInstance = Object.fromEntries(
        [...this.lastSent].map(([destination, at]) => [destination, formatTicks(at)]),
      );
    }
    if (this.received.size > 0) {
      json.ReceivedFromInstance = Object.fromEntries(
        [...this.received].map(([source, buffer]) => {
          const entry: ReceiveBufferJson = { Last: formatTicks(buffer.last) };
          if (buffer.executionId !== undefined) entry.ExecutionId = buffer.executionId;
          if (buffer.buffered.size > 0) {
            entry.Buffered = Object.fromEntries(
              sortedEntries(buffer.buffered).map(([at, message]) => [formatTicks(at), message]),
            );
          }
          return [source, entry];
        }),
      );
    }
    if (this.receiveHorizon !== MIN_TICKS) json.ReceiveHorizon = formatTicks(this.receiveHorizon);
    if (this.sendHorizon !== MIN_TICKS) json.SendHorizon = formatTicks(this.sendHorizon);
    return json;
  }

  /** Requests held back waiting for a predecessor. */
  get bufferedCount(): number {
    let count = 0;
    for (const buffer of this.received.values()) count += buffer.buffered.size;
    return count;
  }

  /** Sender side: sets `Timestamp` (monotonic per destination) and `Predecessor` on `message`. */
  labelOutgoing(message: RequestMessage, destination: string, nowMs: number, windowMs: number): void {
    if (windowMs <= 0) return;
    const window = ticksFromMs(windowMs);
    const now = ticksFromMs(nowMs);
    let timestamp = now;
    if (this.sendHorizon + window + MIN_INTERVAL_BETWEEN_COLLECTIONS < now) {
      this.sendHorizon = now - window;
      for (const [key, at] of [...this.lastSent]) if (at < this.sendHorizon) this.lastSent.delete(key);
    }
    const key = destination.toLowerCase();
    const last = this.lastSent.get(key);
    if (last !== undefined) {
      message.Predecessor = formatTicks(last);
      if (timestamp <= last) timestamp = last + 1n;
    }
    message.Timestamp = formatTicks(timestamp);
    this.lastSent.set(key, timestamp);
  }

  /** Receiver side: the requests that may be delivered now, in order (possibly none, possibly several). */
  receiveInOrder(message: RequestMessage, windowMs: number): RequestMessage[] {
    if (windowMs <= 0 || message.parent === undefined || (message.pos ?? 0) > 0) return [message];
    const window = ticksFromMs(windowMs);
    const timestamp = ticksOf(message.Timestamp);
    const predecessor = ticksOf(message.Predecessor);
    const out: RequestMessage[] = [];

    if (this.receiveHorizon + window + MIN_INTERVAL_BETWEEN_COLLECTIONS < timestamp) {
      // Past the window: release what waited for predecessors that will never come, forget old senders.
      this.receiveHorizon = timestamp - window;
      for (const [source, buffer] of [...this.received]) {
        if (buffer.last < this.receiveHorizon) buffer.last = MIN_TICKS;
        out.push(...this.deliverReady(buffer));
        if (buffer.last === MIN_TICKS && buffer.buffered.size === 0) this.received.delete(source);
      }
    }

    if (timestamp < this.receiveHorizon) {
      out.push(message);
      return out;
    }

    const source = message.parent.toLowerCase();
    let buffer = this.received.get(source);
    if (buffer === undefined) {
      buffer = { last: MIN_TICKS, executionId: message.parentExecution, buffered: new Map() };
      this.received.set(source, buffer);
    } else if (buffer.executionId !== message.parentExecution) {
      // A new execution of the sender starts a new stream: release everything held for the old one.
      out.push(...sortedEntries(buffer.buffered).map(([, held]) => held));
      buffer.buffered.clear();
      buffer.last = MIN_TICKS;
      buffer.executionId = message.parentExecution;
    }

    if (timestamp <= buffer.last) return out; // already delivered: a duplicate

    if (predecessor > buffer.last && predecessor >= this.receiveHorizon) {
      buffer.buffered.set(timestamp, message);
    } else {
      out.push(message);
      buffer.last = timestamp >= this.receiveHorizon ? timestamp : MIN_TICKS;
      out.push(...this.deliverReady(buffer));
    }
    return out;
  }

  private deliverReady(buffer: ReceiveBuffer): RequestMessage[] {
    const out: RequestMessage[] = [];
    for (;;) {
      const first = sortedEntries(buffer.buffered)[0];
      if (!first) return out;
      const [at, message] = first;
      const predecessor = ticksOf(message.Predecessor);
      if (!(predecessor <= buffer.last || predecessor < this.receiveHorizon)) return out;
      buffer.buffered.delete(at);
      buffer.last = at >= this.receiveHorizon ? at : MIN_TICKS;
      out.push(message);
    }
  }
}

function ticksOf(text: string | undefined): bigint {
  return text === undefined ? MIN_TICKS : (parseTicks(text) ?? MIN_TICKS);
}

function sortedEntries(map: Map<bigint, RequestMessage>): [bigint, RequestMessage][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
