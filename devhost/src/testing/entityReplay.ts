/**
 * Runs entity operations of the built app against a recorded entity state, as the entity scheduler
 * runs a batch (trigger payload in, the SDK's reply out), without a task hub. What an in-flight
 * entity needs from a new build: its stored state and the requests already sent to it still work.
 */
import { buildEntityTrigger, parseEntityReply } from '../durable/entities/entityTrigger';
import { parseSchedulerState } from '../durable/entities/schedulerState';
import { findDurableFunction, type DurableFunctionApp } from '../durable/scheduler/functionApp';
import { parseStoredValue } from '../durable/replay/statusValues';

export interface EntityOperation {
  name: string;
  /** The operation input (a JSON value); undefined for none. */
  input?: unknown;
  signal?: boolean;
}

export interface EntityOperationOutcome {
  name: string;
  ok: boolean;
  /** The returned value, or the error text when the operation failed. */
  result: unknown;
}

export interface EntityReplayResult {
  outcomes: EntityOperationOutcome[];
  /** The entity's state afterwards (undefined: it does not exist, e.g. deleted). */
  state: unknown;
  exists: boolean;
}

/** The entity function for `@name@key` is missing, or its reply cannot be read. */
export class EntityReplayError extends Error {
  override readonly name = 'EntityReplayError';
}

/**
 * `schedulerState` is the entity instance's stored input (its ExecutionStarted `Input`, what the
 * status API shows as the entity's `input`), or null for an entity that does not exist yet.
 */
export async function replayEntityOperations(
  app: DurableFunctionApp,
  instanceId: string,
  schedulerState: string | null,
  operations: readonly EntityOperation[],
): Promise<EntityReplayResult> {
  const match = /^@([^@]+)@(.*)$/.exec(instanceId);
  if (!match) throw new EntityReplayError(`'${instanceId}' is not an entity instance id (@name@key).`);
  const [, name = '', key = ''] = match;
  const fn = findDurableFunction(app, 'entityTrigger', name);
  if (!fn) throw new EntityReplayError(`The app has no entity function '${name}'.`);
  const state = parseSchedulerState(schedulerState);
  const payload = buildEntityTrigger(
    { name: fn.name.toLowerCase(), key },
    state.exists,
    state.state,
    operations.map((op, i) => ({
      op: op.name,
      id: `replayed-operation-${i}`,
      ...(op.input === undefined ? {} : { input: JSON.stringify(op.input) }),
      ...(op.signal ? { signal: true } : {}),
    })),
  );
  const outcome = await app.invoke({
    functionName: fn.name,
    triggerData: { string: JSON.stringify(payload) },
  });
  if (outcome.status === 'failure') {
    throw new EntityReplayError(`The entity function '${fn.name}' failed: ${outcome.error.message}`);
  }
  const text = outcome.returnValue?.json ?? outcome.returnValue?.string;
  let reply;
  try {
    reply = parseEntityReply(text === undefined ? undefined : JSON.parse(text), operations.length);
  } catch (error) {
    throw new EntityReplayError(
      `The entity function '${fn.name}' replied with something unreadable: ${String(error)}`,
    );
  }
  return {
    outcomes: reply.results.map((r, i) => ({
      name: operations[i]?.name ?? '',
      ok: !r.isError,
      result: r.result === undefined ? undefined : parseStoredValue(r.result),
    })),
    state: reply.entityState === undefined ? undefined : parseStoredValue(reply.entityState),
    exists: reply.entityExists,
  };
}
