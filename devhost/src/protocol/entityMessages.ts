/**
 * The messages entities exchange, as the extension writes them (EXT `EntityScheduler/RequestMessage.cs`,
 * `ResponseMessage.cs`, `ReleaseMessage.cs`, `EntityMessageEventNames.cs`): JSON text carried as the
 * `Input` of `EventRaised` events whose name says what they are. Pure.
 */
import { formatTicks, MIN_TICKS, msFromTicks, parseTicks } from './dotnetTime';

/** An operation, signal or lock request. Times are ISO text as Newtonsoft writes them. */
export interface RequestMessage {
  /** Absent (null) for a lock request. */
  op?: string;
  signal?: boolean;
  /** JSON text of the operation input. */
  input?: string;
  id: string;
  /** The calling orchestration or entity; absent for client signals. */
  parent?: string;
  parentExecution?: string;
  /** Scheduled signals: when to run. */
  due?: string;
  /** Sender's sequence label and the label of its previous message to this entity (ordering, dedupe). */
  Timestamp?: string;
  Predecessor?: string;
  lockset?: { name: string; key: string }[];
  pos?: number;
}

export interface ReleaseMessage {
  parent: string;
  id: string;
}

export const EventNames = {
  request: 'op',
  release: 'release',
  continue: 'continue',
} as const;

/** `op@<time>` with .NET's round-trip ("o") format: always seven fraction digits. */
export function scheduledRequestEventName(dueMs: number): string {
  return `op@${new Date(dueMs).toISOString().replace('Z', '0000Z')}`;
}

export function isRequestEventName(name: string): boolean {
  return name.startsWith('op');
}

/** The due time DTF reads from `op@<time>` (`Entities.IsDelayedEntityMessage`), in epoch ms. */
export function dueFromEventName(name: string): number | undefined {
  if (name.length < 4 || name[2] !== '@') return undefined;
  const ticks = parseTicks(name.slice(3));
  return ticks === undefined ? undefined : msFromTicks(ticks);
}

/** Serialises in the extension's property order; `Timestamp`/`Predecessor` are always written. */
export function serializeRequest(message: RequestMessage): string {
  const json: Record<string, unknown> = { op: message.op ?? null };
  if (message.signal) json.signal = true;
  if (message.input !== undefined) json.input = message.input;
  json.id = message.id;
  if (message.parent !== undefined) json.parent = message.parent;
  if (message.parentExecution !== undefined) json.parentExecution = message.parentExecution;
  if (message.due !== undefined) json.due = message.due;
  json.Timestamp = message.Timestamp ?? formatTicks(MIN_TICKS);
  json.Predecessor = message.Predecessor ?? formatTicks(MIN_TICKS);
  if (message.lockset !== undefined) json.lockset = message.lockset;
  if (message.pos) json.pos = message.pos;
  return JSON.stringify(json);
}

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** Reads a request, ignoring DTF's `$type` property. Throws `MalformedMessageError` naming the field. */
export function parseRequest(text: string | null): RequestMessage {
  const json = parseObject(text, 'request');
  const id = json.id;
  if (typeof id !== 'string' || id === '') throw new MalformedMessageError("The entity request has no 'id'.");
  const message: RequestMessage = { id };
  if (json.op !== undefined && json.op !== null) message.op = requireString(json.op, 'op');
  if (json.signal === true) message.signal = true;
  if (json.input !== undefined && json.input !== null) message.input = requireString(json.input, 'input');
  for (const field of ['parent', 'parentExecution', 'due', 'Timestamp', 'Predecessor'] as const) {
    const value = json[field];
    if (value !== undefined && value !== null) message[field] = requireString(value, field);
  }
  if (Array.isArray(json.lockset)) {
    message.lockset = json.lockset.map((entry: unknown) => {
      const { name, key } = (entry ?? {}) as { name?: unknown; key?: unknown };
      return { name: requireString(name, 'lockset.name'), key: requireString(key, 'lockset.key') };
    });
  }
  if (typeof json.pos === 'number' && json.pos > 0) message.pos = json.pos;
  return message;
}

export function parseRelease(text: string | null): ReleaseMessage {
  const json = parseObject(text, 'release');
  return {
    parent: requireString(json.parent, 'parent'),
    id: typeof json.id === 'string' ? json.id : '',
  };
}

function parseObject(text: string | null, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? 'null');
  } catch {
    throw new MalformedMessageError(`The entity ${what} message is not JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedMessageError(`The entity ${what} message is not a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string')
    throw new MalformedMessageError(`The entity message field '${field}' is not a string.`);
  return value;
}
