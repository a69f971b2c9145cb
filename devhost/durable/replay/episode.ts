/**
 * One orchestration episode, as the extension and DTF process it: the delivered events are appended,
 * the SDK's reply is re-played against the whole history (`DtfContext` + `ActionWalk`), new actions
 * become scheduling events and outbound work, and the execution completes, fails or continues as new
 * only once the walk is through and no task is open.
 */
import {
  EventType,
  OrchestrationStatus,
  type HistoryEvent,
  type OrchestratorCompletedEvent,
} from '../history';
import { ActionWalk } from './actionWalk';
import { acceptDeliveredEvents } from './deliveredEvents';
import { DtfContext } from './dtfContext';
import { NonDeterminismError } from './nonDeterminism';
import { serializeInput } from './payloads';
import { outboundWork, schedulingEvent } from './schedulingEvents';
import { interpretSdkReply } from './sdkReply';
import { findExecutionStarted, orchestratorStarted } from './trigger';
import type { EpisodeInput, EpisodeResult, SdkReply } from './types';

/** EXT `SetCustomStatus`: 16 KB of UTF-16. */
const MAX_CUSTOM_STATUS_BYTES = 16 * 1024;

type Ending =
  | { kind: 'running' }
  | { kind: 'completed'; output: string | null }
  | { kind: 'continuedAsNew'; input: string | null }
  | { kind: 'failed'; reason: string };

export function processEpisode(input: EpisodeInput, reply: SdkReply): EpisodeResult {
  const { accepted, warnings } = acceptDeliveredEvents(input);
  const started = orchestratorStarted(input.now);
  const all: HistoryEvent[] = [...input.history, started, ...accepted];
  const executionStarted = findExecutionStarted(all);
  if (executionStarted === undefined) {
    throw new Error(
      `Instance ${input.instanceId} has no ExecutionStarted event in its history or in the delivered events; ` +
        'an orchestration episode needs one.',
    );
  }
  // DTF marks every event it processed as played before it writes them.
  const delivered = accepted.map((event) => ({ ...event, IsPlayed: true }));
  const close = (tail: HistoryEvent[]): HistoryEvent[] => [
    started,
    ...delivered,
    ...tail,
    orchestratorCompleted(input.now),
  ];
  const failedBy = (reason: string) => `Orchestrator function '${executionStarted.Name}' failed: ${reason}`;

  const terminated = accepted.find((event) => event.EventType === EventType.ExecutionTerminated);
  if (terminated !== undefined && terminated.EventType === EventType.ExecutionTerminated) {
    const reason = terminated.Input;
    return {
      appended: close([completionEvent(-1, OrchestrationStatus.Terminated, reason, input.now)]),
      work: [],
      runtimeStatus: 'Terminated',
      output: reason,
      customStatus: null,
      warnings,
    };
  }

  const interpreted = interpretSdkReply(reply);
  const failNow = (reason: string, customStatus: string | null): EpisodeResult => ({
    appended: close([completionEvent(nextIdAfter(all), OrchestrationStatus.Failed, reason, input.now)]),
    work: [],
    runtimeStatus: 'Failed',
    output: reason,
    customStatus,
    failureReason: reason,
    warnings,
  });
  if (interpreted.kind === 'failed') return failNow(failedBy(interpreted.message), null);
  const state = interpreted.state;

  const customStatus = serializeInput(state.customStatus);
  if (customStatus !== null && customStatus.length * 2 > MAX_CUSTOM_STATUS_BYTES) {
    return failNow(
      failedBy(
        `The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is ` +
          `${Math.ceil((customStatus.length * 2) / 1024)} KB.`,
      ),
      null,
    );
  }

  let replayingNewEvents = false;
  const ctx = new DtfContext(input.instanceId, input.executionId, (message) => {
    if (replayingNewEvents) warnings.push(message);
  });
  const walk = new ActionWalk({
    ctx,
    settings: input.settings,
    orchestrationName: executionStarted.Name,
    parentInstanceId: executionStarted.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
    warn: (message) => warnings.push(message),
  });

  try {
    let walking = false;
    for (const event of all) {
      if (event === started) replayingNewEvents = true;
      if (event.EventType === EventType.ExecutionStarted && !walking) {
        walking = true;
        walk.start(state.actions[0] ?? []);
        continue;
      }
      ctx.handle(event);
    }
  } catch (error) {
    if (!(error instanceof NonDeterminismError)) throw error;
    return failNow(error.message, customStatus);
  }

  const newActions = ctx.newActions();
  const work = newActions.map(outboundWork);
  const scheduled = newActions.map((action) => schedulingEvent(action, input.now));
  const ending = decideEnding(walk, state, ctx, failedBy);
  const running = (): EpisodeResult => ({
    appended: close(scheduled),
    work,
    runtimeStatus: 'Running',
    output: null,
    customStatus,
    warnings,
  });

  switch (ending.kind) {
    case 'running':
      return running();
    case 'completed':
      return {
        appended: close([
          ...scheduled,
          completionEvent(ctx.takeId(), OrchestrationStatus.Completed, ending.output, input.now),
        ]),
        work,
        runtimeStatus: 'Completed',
        output: ending.output,
        customStatus,
        warnings,
      };
    case 'continuedAsNew':
      return {
        appended: close([...scheduled, continueAsNewEvent(ctx.takeId(), ending.input, input.now)]),
        work,
        runtimeStatus: 'ContinuedAsNew',
        output: null,
        customStatus,
        continueAsNew: {
          input: ending.input,
          carryOver: ctx.carryOver.map((e) => ({ ...e, IsPlayed: false })),
        },
        warnings,
      };
    case 'failed':
      return {
        appended: close([
          ...scheduled,
          completionEvent(ctx.takeId(), OrchestrationStatus.Failed, ending.reason, input.now),
        ]),
        work,
        runtimeStatus: 'Failed',
        output: ending.reason,
        customStatus,
        failureReason: ending.reason,
        warnings,
      };
  }
}

/**
 * EXT applies `error`/`isDone` only after the walk has gone through every action, and DTF completes
 * the execution only when no activity, timer or sub-orchestration is still open.
 */
function decideEnding(
  walk: ActionWalk,
  state: { isDone: boolean; error?: string; output?: unknown },
  ctx: DtfContext,
  failedBy: (reason: string) => string,
): Ending {
  let ending: Ending = { kind: 'running' };
  if (walk.fault !== undefined) ending = { kind: 'failed', reason: failedBy(walk.fault) };
  else if (walk.finished && typeof state.error === 'string' && state.error !== '') {
    ending = { kind: 'failed', reason: failedBy(state.error) };
  } else if (walk.finished && state.isDone) {
    const next = ctx.continuedAsNew;
    ending =
      next !== undefined
        ? { kind: 'continuedAsNew', input: next.input }
        : { kind: 'completed', output: serializeInput(state.output) };
  }
  return ending.kind !== 'running' && ctx.hasOpenTasks ? { kind: 'running' } : ending;
}

function orchestratorCompleted(now: string): OrchestratorCompletedEvent {
  return { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: now };
}

function completionEvent(
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

function continueAsNewEvent(id: number, input: string | null, now: string): HistoryEvent {
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
function nextIdAfter(events: readonly HistoryEvent[]): number {
  return events.reduce((max, event) => Math.max(max, event.EventId), -1) + 1;
}
