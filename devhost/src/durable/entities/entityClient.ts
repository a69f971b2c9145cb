/**
 * The client side of entities behind `DurableOperations` (and so the SDK's `DurableClient` and the
 * webhooks): signal (EXT `DurableClient.SignalEntityAsyncInternal`), read state and list entities
 * (DTFAS `EntityTrackingStoreQueries`, which the extension uses because the Azure Storage provider
 * answers entity queries natively).
 */
import { randomUUID } from 'node:crypto';
import {
  DurableOperationError,
  type EntityQuery,
  type EntityStateView,
  type Page,
} from '../client/operations';
import { EventType } from '../../protocol/history';
import type { StoredInstance, TaskHubStore } from '../../store/taskHubStore';
import { entityIdProblem, entityInstanceId, parseEntityInstanceId } from '../../protocol/ids';
import type { Clock } from '../../clock/clock';
import { durableFunctionNames, findDurableFunction, type DurableFunctionApp } from '../scheduler/functionApp';
import { formatTicks, ticksFromMs } from '../../protocol/dotnetTime';
import { EventNames, serializeRequest } from '../../protocol/entityMessages';
import { CorruptSchedulerStateError, parseSchedulerState } from './schedulerState';

export interface EntityClientDeps {
  store: TaskHubStore;
  clock: Clock;
  app: DurableFunctionApp;
}

export async function signalEntity(
  deps: EntityClientDeps,
  name: string,
  key: string,
  operation: string,
  input: string | null,
): Promise<void> {
  const problem = entityIdProblem(name, key);
  if (problem) throw new DurableOperationError('invalidEntityId', problem);
  if (!findDurableFunction(deps.app, 'entityTrigger', name)) {
    throw new DurableOperationError('invalidEntityId', unknownEntityMessage(deps.app, name));
  }
  const request = serializeRequest({
    op: operation,
    signal: true,
    ...(input !== null ? { input } : {}),
    id: randomUUID(),
  });
  await deps.store.sendMessage({
    message: {
      event: {
        EventType: EventType.EventRaised,
        EventId: -1,
        IsPlayed: false,
        Timestamp: new Date(deps.clock.now()).toISOString(),
        Name: EventNames.request,
        Input: request,
      },
      orchestrationInstance: { InstanceId: entityInstanceId(name, key), ExecutionId: null },
    },
  });
}

/**
 * The entity exists for readers when its scheduler state holds a user state: an entity whose
 * operations never set one reads as missing, as with the extension's native entity queries.
 */
export async function readEntityState(
  deps: EntityClientDeps,
  name: string,
  key: string,
): Promise<{ exists: boolean; state: string | null }> {
  const problem = entityIdProblem(name, key);
  if (problem) throw new DurableOperationError('invalidEntityId', problem);
  const row = await deps.store.getInstance(entityInstanceId(name, key));
  const state = row ? userState(row) : undefined;
  return state === undefined ? { exists: false, state: null } : { exists: true, state };
}

/**
 * One page of entities: the entity rows (`@` or `@name@` prefix) whose last operation time (the
 * current execution's creation time) is in range. With `fetchState`, an entity is listed when it
 * has a state; without, when its status says it exists. Empty pages are skipped while more follow.
 */
export async function listEntities(
  deps: EntityClientDeps,
  query: EntityQuery,
): Promise<Page<EntityStateView>> {
  const prefix = query.name !== undefined ? `@${query.name.toLowerCase()}@` : '@';
  let continuationToken = query.continuationToken;
  for (;;) {
    const page = await deps.store.queryInstances(
      {
        instanceIdPrefix: prefix,
        ...(query.lastOperationTimeFrom ? { createdTimeFrom: query.lastOperationTimeFrom.getTime() } : {}),
        ...(query.lastOperationTimeTo ? { createdTimeTo: query.lastOperationTimeTo.getTime() } : {}),
      },
      query.top ?? 100,
      continuationToken,
    );
    const items: EntityStateView[] = [];
    for (const row of page.items) {
      const id = parseEntityInstanceId(row.instanceId);
      if (!id) continue;
      let state: string | null = null;
      if (query.fetchState) {
        const stored = userState(row);
        if (stored === undefined) continue;
        state = stored;
      } else if (!statusSaysExists(row.customStatus)) {
        continue;
      }
      items.push({
        name: id.name,
        key: id.key,
        lastOperationTime: formatTicks(ticksFromMs(Date.parse(row.createdTime))),
        state,
      });
    }
    continuationToken = page.continuationToken;
    if (items.length > 0 || continuationToken === undefined) {
      return { items, ...(continuationToken !== undefined ? { continuationToken } : {}) };
    }
  }
}

function userState(row: StoredInstance): string | undefined {
  try {
    return parseSchedulerState(row.input).state;
  } catch (error) {
    if (error instanceof CorruptSchedulerStateError) return undefined;
    throw error;
  }
}

/** `EntityStatus.TestEntityExists`: read from the small custom status, not the state. */
function statusSaysExists(customStatus: string | null): boolean {
  if (customStatus === null) return false;
  try {
    const status = JSON.parse(customStatus) as { entityExists?: unknown } | null;
    return status?.entityExists === true;
  } catch {
    return false;
  }
}

/**
 * `DurableTaskExtension.GetInvalidEntityFunctionMessage`, including its quirk: whether it lists the
 * known entity functions depends on whether the app has orchestrators.
 */
function unknownEntityMessage(app: DurableFunctionApp, name: string): string {
  const entities = [...durableFunctionNames(app, 'entityTrigger')];
  const hasOrchestrators = durableFunctionNames(app, 'orchestrationTrigger').size > 0;
  const info = hasOrchestrators
    ? `The following are the known entity functions: '${entities.join("', '")}'.`
    : 'No entity functions are currently registered!';
  return `The function '${name}' doesn't exist, is disabled, or is not an entity function. Additional info: ${info}`;
}
