/**
 * The entity scheduler's persisted state (EXT `EntityScheduler/SchedulerState.cs`): whether the
 * entity exists, its user state as JSON text, the queue of requests not yet run, the lock holder,
 * whether processing is suspended until a `continue`, and the message sorter. It is the entity
 * instance's `Input` (each batch ends with continue-as-new), with default values omitted, so an
 * Azure Storage task hub written by devhost reads like one written by the extension. Pure.
 */
import type { RequestMessage } from '../../protocol/entityMessages';
import { MessageSorter } from '../../protocol/messageSorter';

export interface SchedulerState {
  exists: boolean;
  /** The user state as JSON text; undefined when there is none. */
  state: string | undefined;
  queue: RequestMessage[];
  lockedBy: string | undefined;
  suspended: boolean;
  sorter: MessageSorter;
}

export function emptySchedulerState(): SchedulerState {
  return {
    exists: false,
    state: undefined,
    queue: [],
    lockedBy: undefined,
    suspended: false,
    sorter: new MessageSorter(),
  };
}

export class CorruptSchedulerStateError extends Error {
  override readonly name = 'CorruptSchedulerStateError';
}

/** `null` input: an auto-started entity (or a deleted one whose state was dropped). */
export function parseSchedulerState(input: string | null | undefined): SchedulerState {
  if (input === null || input === undefined) return emptySchedulerState();
  let json: unknown;
  try {
    json = JSON.parse(input);
  } catch {
    throw new CorruptSchedulerStateError('Failed to deserialize entity scheduler state: it is not JSON.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CorruptSchedulerStateError(
      'Failed to deserialize entity scheduler state: it is not a JSON object.',
    );
  }
  const raw = json as Record<string, unknown>;
  return {
    exists: raw.exists === true,
    state: typeof raw.state === 'string' ? raw.state : undefined,
    queue: Array.isArray(raw.queue) ? (raw.queue as RequestMessage[]) : [],
    lockedBy: typeof raw.lockedBy === 'string' ? raw.lockedBy : undefined,
    suspended: raw.suspended === true,
    sorter: MessageSorter.fromJSON(
      typeof raw.sorter === 'object' && raw.sorter !== null ? raw.sorter : undefined,
    ),
  };
}

export function serializeSchedulerState(state: SchedulerState): string {
  const json: Record<string, unknown> = {};
  if (state.exists) json.exists = true;
  if (state.state !== undefined) json.state = state.state;
  if (state.queue.length > 0) json.queue = state.queue;
  if (state.lockedBy !== undefined) json.lockedBy = state.lockedBy;
  if (state.suspended) json.suspended = true;
  json.sorter = state.sorter.toJSON();
  return JSON.stringify(json);
}

/** `SchedulerState.MayDequeue`: while locked, only the holder's requests may run. */
export function mayDequeue(state: SchedulerState): boolean {
  const next = state.queue[0];
  return next !== undefined && (state.lockedBy === undefined || state.lockedBy === next.parent);
}

/**
 * The entity instance's custom status (EXT `EntityStatus`, written by `TaskEntityShim.GetStatus`
 * after the batch, so `currentOperation` is never set): small, so status queries stay cheap.
 */
export function entityStatusJson(state: SchedulerState): string {
  const json: Record<string, unknown> = {};
  if (state.exists) json.entityExists = true;
  if (state.queue.length > 0) json.queueSize = state.queue.length;
  if (state.lockedBy !== undefined) json.lockedBy = state.lockedBy;
  return JSON.stringify(json);
}
