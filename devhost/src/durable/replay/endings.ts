/**
 * How an execution ends, and the events that record it. EXT applies the reply's `error`/`isDone`
 * only after its walk went through every action, and DTF completes the execution only when no
 * activity, timer or sub-orchestration is still open (`TaskOrchestrationExecutor`: `!HasOpenTasks`).
 */
import {
  EventType,
  OrchestrationStatus,
  type HistoryEvent,
  type OrchestratorCompletedEvent,
} from '../../protocol/history';
import type { ActionWalk } from './actionWalk';
import type { DtfContext } from './dtfContext';
import { serializeInput } from './payloads';

export type Ending =
  | { kind: 'running' }
  | { kind: 'completed'; output: string | null }
  | { kind: 'continuedAsNew'; input: string | null }
  /** `reason` is what DTF records; `message` is the error itself (for the details a parent sees). */
  | { kind: 'failed'; reason: string; message: string };

export interface FailureReasons {
  /** The orchestrator's own error: always `Orchestrator function '<name>' failed: <error>`. */
  orchestratorError: (message: string) => string;
  /** An exception the extension threw while re-playing the actions (see `faultReason`). */
  hostFault: (message: string) => string;
}

export function decideEnding(
  walk: ActionWalk,
  state: { isDone: boolean; error?: string; output?: unknown },
  ctx: DtfContext,
  reasons: FailureReasons,
): Ending {
  let ending: Ending = { kind: 'running' };
  if (walk.fault !== undefined) {
    ending = { kind: 'failed', reason: reasons.hostFault(walk.fault), message: walk.fault };
  } else if (walk.finished && typeof state.error === 'string' && state.error !== '') {
    ending = { kind: 'failed', reason: reasons.orchestratorError(state.error), message: state.error };
  } else if (walk.finished && state.isDone) {
    const next = ctx.continuedAsNew;
    ending =
      next !== undefined
        ? { kind: 'continuedAsNew', input: next.input }
        : { kind: 'completed', output: serializeInput(state.output) };
  }
  return ending.kind !== 'running' && ctx.hasOpenTasks ? { kind: 'running' } : ending;
}

/** `OutOfProcOrchestrationShim`: the failure reason the extension records for an orchestrator. */
export function orchestratorFailureReason(orchestrationName: string, message: string): string {
  return `Orchestrator function '${orchestrationName}' failed: ${message}`;
}

/**
 * `TaskOrchestrationShim.InvokeUserCodeAndHandleResults`: an exception thrown while re-playing a
 * returned state is wrapped with the orchestrator prefix; one thrown while re-playing the state from
 * a thrown `$OutOfProcData$` error escapes unwrapped, so DTF records its bare message.
 */
export function faultReason(orchestrationName: string, replyWasThrown: boolean, message: string): string {
  return replyWasThrown ? message : orchestratorFailureReason(orchestrationName, message);
}

export function orchestratorCompleted(now: string): OrchestratorCompletedEvent {
  return { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: now };
}

export function completionEvent(
  id: number,
  status: OrchestrationStatus,
  result: string | null,
  now: string,
): HistoryEvent {
  return {
    EventType: EventType.ExecutionCompleted,
    EventId: id,
    IsPlayed: false,
    Timestamp: now,
    OrchestrationStatus: status,
    Result: result,
    FailureDetails: null,
  };
}

export function continueAsNewEvent(id: number, input: string | null, now: string): HistoryEvent {
  return {
    EventType: EventType.ContinueAsNew,
    EventId: id,
    IsPlayed: false,
    Timestamp: now,
    OrchestrationStatus: OrchestrationStatus.ContinuedAsNew,
    Result: input,
    FailureDetails: null,
  };
}

/** Best-effort id for a failure decided without a replay: one past the highest id history used. */
export function nextIdAfter(events: readonly HistoryEvent[]): number {
  return events.reduce((max, event) => Math.max(max, event.EventId), -1) + 1;
}
