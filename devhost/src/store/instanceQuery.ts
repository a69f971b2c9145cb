/**
 * Instance rows as both stores answer queries about them: the Pending row a start writes, the
 * filter of the list and purge APIs, and paging in instance-id order with an opaque continuation
 * token (the last id of the page).
 */
import { EventType } from '../protocol/history';
import { InvalidContinuationTokenError } from './errors';
import type { InstanceFilter, InstancePage, InstanceRow, StoredInstance, TaskMessage } from './taskHubStore';

/** The row a start (`ExecutionStarted` message) creates, before its first episode runs. */
export function pendingRow(start: TaskMessage): InstanceRow {
  const event = start.event;
  if (event.EventType !== EventType.ExecutionStarted)
    throw new TypeError('Expected an ExecutionStarted message.');
  return {
    instanceId: event.OrchestrationInstance.InstanceId,
    executionId: event.OrchestrationInstance.ExecutionId,
    name: event.Name,
    version: event.Version,
    input: event.Input,
    output: null,
    customStatus: null,
    runtimeStatus: 'Pending',
    createdTime: event.Timestamp,
    lastUpdatedTime: event.Timestamp,
    completedTime: null,
    scheduledStartTime: event.ScheduledStartTime,
    generation: event.Generation,
    parentInstanceId: event.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
  };
}

/** The rows the filter matches, in instance-id order. */
export function matchingInstances<R extends InstanceRow>(rows: Iterable<R>, filter: InstanceFilter): R[] {
  const statuses = filter.runtimeStatus && filter.runtimeStatus.length > 0 ? filter.runtimeStatus : undefined;
  const out: R[] = [];
  for (const row of rows) {
    if (filter.instanceIdPrefix !== undefined && !row.instanceId.startsWith(filter.instanceIdPrefix))
      continue;
    const created = Date.parse(row.createdTime);
    if (filter.createdTimeFrom !== undefined && created < filter.createdTimeFrom) continue;
    if (filter.createdTimeTo !== undefined && created > filter.createdTimeTo) continue;
    if (statuses && !statuses.includes(row.runtimeStatus)) continue;
    out.push(row);
  }
  return out.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
}

/**
 * One page of `matching` (already filtered and in instance-id order) after the token's id. Throws
 * `InvalidContinuationTokenError` for a token this module did not write.
 */
export function instancePage(
  matching: readonly StoredInstance[],
  pageSize: number,
  continuationToken: string | undefined,
): InstancePage {
  const after = continuationToken === undefined ? undefined : readToken(continuationToken);
  const rest = after === undefined ? matching : matching.filter((row) => row.instanceId > after);
  const items = rest.slice(0, Math.max(1, pageSize));
  const last = items[items.length - 1];
  const more = rest.length > items.length && last !== undefined;
  return {
    items,
    ...(more
      ? { continuationToken: Buffer.from(JSON.stringify(last.instanceId)).toString('base64url') }
      : {}),
  };
}

function readToken(token: string): string {
  let after: unknown;
  try {
    after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidContinuationTokenError();
  }
  if (typeof after !== 'string') throw new InvalidContinuationTokenError();
  return after;
}
