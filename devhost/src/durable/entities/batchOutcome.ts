/**
 * What a finished batch changes and sends, as the extension's `TaskEntityShim` does after an
 * out-of-process batch (`ExecuteOutOfProcBatch`, `ProcessLockRequest`, `Execute`): the reply's
 * state replaces the entity's (no rollback: a failing operation's state changes persist), each
 * call gets exactly one response under its request id (`exceptionType: "Error"` when it failed),
 * each signal the entity sent becomes a labelled request to its target, a lock request locks the
 * entity and moves on to the next entity of the lock set (or grants the lock), and a full batch
 * sends the entity a `continue`. Messages are in the extension's send order. Pure.
 */
import type { BatchPlan } from './batchPlan';
import type { EntityReply } from './entityTrigger';
import {
  EventNames,
  scheduledRequestEventName,
  serializeRequest,
  type RequestMessage,
} from '../../protocol/entityMessages';
import type { SchedulerState } from './schedulerState';
import { entityInstanceId } from '../../protocol/ids';
import { entityResponseMessage } from '../replay';

export interface EntityOutboundMessage {
  targetInstanceId: string;
  /** Responses go to the caller's execution; everything else to the current one (null). */
  targetExecutionId: string | null;
  /** `EventRaised` name. */
  name: string;
  input: string | null;
  /** Not visible before this time (re-sent scheduled signals). */
  visibleAtMs?: number;
}

export interface BatchContext {
  entityInstanceId: string;
  nowMs: number;
  reorderWindowMs: number;
  newGuid: () => string;
}

/** What the entity function did: its reply, or a timeout that fails every operation. */
export type BatchExecution = { kind: 'reply'; reply: EntityReply } | { kind: 'timeout'; message: string };

const LOCK_GRANTED_RESULT = 'Lock Acquisition Completed';

export function completeBatch(
  state: SchedulerState,
  plan: BatchPlan,
  execution: BatchExecution | undefined,
  ctx: BatchContext,
): EntityOutboundMessage[] {
  const rescheduled: EntityOutboundMessage[] = plan.reschedule.map(({ message, dueMs }) => ({
    targetInstanceId: ctx.entityInstanceId,
    targetExecutionId: null,
    name: scheduledRequestEventName(dueMs),
    input: serializeRequest(message),
    visibleAtMs: dueMs,
  }));
  const outbox: EntityOutboundMessage[] = [];

  if (plan.operations.length > 0 && execution) {
    const results =
      execution.kind === 'reply'
        ? execution.reply.results
        : plan.operations.map(() => ({ isError: true, result: execution.message, durationMs: 0 }));
    if (execution.kind === 'reply') {
      state.exists = execution.reply.entityExists;
      state.state = execution.reply.entityState;
    }
    plan.operations.forEach((request, index) => {
      const result = results[index];
      if (request.signal || request.parent === undefined || result === undefined) return;
      outbox.push({
        targetInstanceId: request.parent,
        targetExecutionId: request.parentExecution ?? null,
        name: request.id,
        input: entityResponseMessage({
          result: result.result ?? null,
          ...(result.isError ? { exceptionType: 'Error' } : {}),
        }),
      });
    });
    for (const signal of execution.kind === 'reply' ? execution.reply.signals : []) {
      const target = entityInstanceId(signal.target.name, signal.target.key);
      const request: RequestMessage = {
        op: signal.name,
        signal: true,
        ...(signal.input !== undefined ? { input: signal.input } : {}),
        id: ctx.newGuid(),
        // Entities keep one sorter across executions, so their requests carry no execution id.
        parent: ctx.entityInstanceId,
      };
      state.sorter.labelOutgoing(request, target, ctx.nowMs, ctx.reorderWindowMs);
      outbox.push({
        targetInstanceId: target,
        targetExecutionId: null,
        name: EventNames.request,
        input: serializeRequest(request),
      });
    }
  }

  if (plan.lockRequest) outbox.push(processLockRequest(state, plan.lockRequest));

  const continuation: EntityOutboundMessage[] = [];
  if (plan.continueAfterBatch && !state.suspended) {
    state.suspended = true;
    continuation.push({
      targetInstanceId: ctx.entityInstanceId,
      targetExecutionId: null,
      name: EventNames.continue,
      input: null,
    });
  }
  return [...rescheduled, ...outbox, ...continuation];
}

/** Locks the entity for the requester and forwards the request, or grants the lock if this is the last entity. */
function processLockRequest(state: SchedulerState, request: RequestMessage): EntityOutboundMessage {
  state.lockedBy = request.parent;
  const lockset = request.lockset ?? [];
  const position = (request.pos ?? 0) + 1;
  const next = lockset[position];
  if (next !== undefined) {
    return {
      targetInstanceId: entityInstanceId(next.name, next.key),
      targetExecutionId: null,
      name: EventNames.request,
      input: serializeRequest({ ...request, pos: position }),
    };
  }
  return {
    targetInstanceId: request.parent ?? '',
    targetExecutionId: request.parentExecution ?? null,
    name: request.id,
    input: entityResponseMessage({ result: LOCK_GRANTED_RESULT }),
  };
}
