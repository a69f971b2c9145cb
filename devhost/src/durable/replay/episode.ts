/**
 * One orchestration episode, as the extension and DTF process it: the delivered events are appended,
 * the SDK's reply is re-played against the whole history (`DtfContext` + `ActionWalk`), new actions
 * become scheduling events and outbound work, and the execution completes, fails, is terminated or
 * continues as new only when DTF would end it.
 */
import type { OrchestratorState } from '../../protocol/actions';
import { EventType, OrchestrationStatus, type HistoryEvent } from '../../protocol/history';
import { ActionWalk } from './actionWalk';
import { hasName, unknownFunctionMessage } from './functionNames';
import { acceptDeliveredEvents } from './deliveredEvents';
import { DtfContext } from './dtfContext';
import {
  completionEvent,
  continueAsNewEvent,
  decideEnding,
  faultReason,
  nextIdAfter,
  orchestratorCompleted,
  orchestratorFailureReason,
} from './endings';
import { NonDeterminismError } from './nonDeterminism';
import { failureDetailsText, parentNotification } from './parentNotification';
import { serializeInput } from './payloads';
import { outboundWork, schedulingEvent } from './schedulingEvents';
import type { KeptReplay, KeptReplays, ReplayOutput } from './keptReplays';
import { interpretSdkReply } from './sdkReply';
import { findExecutionStarted, orchestratorStarted } from './trigger';
import type { EpisodeInput, EpisodeResult, SdkReply } from './types';

const MAX_CUSTOM_STATUS_KB = 16;

const NOT_DONE: OrchestratorState = { isDone: false, actions: [[]], schemaVersion: 2 };

/**
 * `kept`: replays kept between episodes (the engine's); an episode goes on from its execution's
 * kept replay when a replay from the start would reach the same state, and keeps its own while the
 * execution runs. Without it, every episode replays from the start.
 */
export function processEpisode(input: EpisodeInput, reply: SdkReply, kept?: KeptReplays): EpisodeResult {
  const result = playEpisode(input, reply, kept);
  // An execution that ended (or failed before its replay) has no next episode to go on with.
  if (result.runtimeStatus !== 'Running' && result.runtimeStatus !== 'Suspended') kept?.forget(input);
  return result;
}

function playEpisode(input: EpisodeInput, reply: SdkReply, kept: KeptReplays | undefined): EpisodeResult {
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
  const name = executionStarted.Name;
  // DTF marks every event it processed as played before it writes them.
  const delivered = accepted.map((event) => ({ ...event, IsPlayed: true }));
  const close = (tail: HistoryEvent[]): HistoryEvent[] => [
    started,
    ...delivered,
    ...tail,
    orchestratorCompleted(input.now),
  ];

  const failed = (
    reason: string,
    message: string,
    completionId: number,
    scheduled: HistoryEvent[],
    work: EpisodeResult['work'],
    customStatus: string | null,
  ): EpisodeResult => ({
    appended: close([
      ...scheduled,
      completionEvent(completionId, OrchestrationStatus.Failed, reason, input.now),
    ]),
    work,
    runtimeStatus: 'Failed',
    output: reason,
    customStatus,
    failureReason: reason,
    warnings,
    parentNotification: parentNotification(
      executionStarted,
      { status: 'Failed', reason, details: failureDetailsText(message) },
      input.now,
    ),
  });

  // A termination completes the execution whatever the orchestrator replied.
  const terminating = accepted.some((event) => event.EventType === EventType.ExecutionTerminated);
  // EXT's OrchestrationMiddleware fails an instance whose orchestrator is not registered.
  if (!terminating && !hasName(input.settings.orchestratorNames, name)) {
    const message = unknownFunctionMessage(name, 'orchestrator', input.settings.orchestratorNames);
    return failed(orchestratorFailureReason(name, message), message, nextIdAfter(all), [], [], null);
  }
  const interpreted = interpretSdkReply(reply);
  if (interpreted.kind === 'failed' && !terminating) {
    const reason = orchestratorFailureReason(name, interpreted.message);
    return failed(reason, interpreted.message, nextIdAfter(all), [], [], null);
  }
  const hostFault = (message: string) => faultReason(name, reply.kind === 'thrown', message);
  const state = interpreted.kind === 'state' ? interpreted.state : NOT_DONE;

  const customStatus = serializeInput(state.customStatus);
  // EXT `SetCustomStatus` → `MessagePayloadDataConverter.Serialize(status, 16)`: whole KB of UTF-16.
  const customStatusKb = customStatus === null ? 0 : Math.floor((customStatus.length * 2) / 1024);
  if (!terminating && customStatusKb > MAX_CUSTOM_STATUS_KB) {
    const message =
      `The UTF-16 size of the JSON-serialized payload must not exceed ${MAX_CUSTOM_STATUS_KB} KB. ` +
      `The current payload size is ${customStatusKb.toLocaleString('en-US')} KB.`;
    return failed(hostFault(message), message, nextIdAfter(all), [], [], null);
  }

  const actions = state.actions[0] ?? [];
  const resumed = kept?.take(input, actions);
  let replay: Omit<KeptReplay, 'history' | 'fed' | 'appended'>;
  let from = 0;
  if (resumed !== undefined) {
    replay = resumed;
    replay.output.warnings = warnings;
    replay.output.replayingNewEvents = false;
    from = resumed.fed;
  } else {
    const output: ReplayOutput = { warnings, replayingNewEvents: false };
    const ctx = new DtfContext(
      input.instanceId,
      input.executionId,
      (message) => {
        if (output.replayingNewEvents) output.warnings.push(message);
      },
      () => walk.start(actions),
    );
    const walk = new ActionWalk({
      ctx,
      settings: input.settings,
      orchestrationName: name,
      parentInstanceId: executionStarted.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
      warn: (message) => output.warnings.push(message),
    });
    replay = { ctx, walk, output, settings: input.settings };
  }
  const { ctx, walk, output } = replay;

  try {
    for (let index = from; index < all.length; index++) {
      const event = all[index] as HistoryEvent;
      if (event === started) output.replayingNewEvents = true;
      ctx.handle(event);
    }
  } catch (error) {
    if (!(error instanceof NonDeterminismError)) throw error;
    return {
      ...failed(error.message, error.message, nextIdAfter(all), [], [], customStatus),
      nonDeterminism: error.detail,
    };
  }

  const newActions = ctx.newActions();
  const work = newActions.map(outboundWork);
  const scheduled = newActions.map((action) => schedulingEvent(action, input.now));

  const termination = ctx.termination;
  if (termination !== undefined) {
    // DTF still dispatches what the last replay scheduled; the completion sits at the id it took.
    const completion = completionEvent(
      termination.id,
      OrchestrationStatus.Terminated,
      termination.reason,
      input.now,
    );
    return {
      appended: close([...scheduled, completion].sort((a, b) => a.EventId - b.EventId)),
      work,
      runtimeStatus: 'Terminated',
      output: termination.reason,
      customStatus,
      warnings,
      parentNotification: parentNotification(
        executionStarted,
        { status: 'Terminated', reason: termination.reason, details: null },
        input.now,
      ),
    };
  }

  const ending = ctx.isSuspended
    ? { kind: 'running' as const }
    : decideEnding(walk, state, ctx, {
        orchestratorError: (message) => orchestratorFailureReason(name, message),
        hostFault,
      });
  switch (ending.kind) {
    case 'running': {
      const waits = ctx.openExternalEvents();
      const appended = close(scheduled);
      kept?.keep(input, { ...replay, history: input.history, fed: all.length, appended });
      return {
        appended,
        work,
        runtimeStatus: ctx.isSuspended ? 'Suspended' : 'Running',
        output: null,
        customStatus,
        ...(waits.length > 0
          ? {
              waitingForEvents: waits.map((w) => ({
                name: w.name,
                since: new Date(w.sinceMs).toISOString(),
              })),
            }
          : {}),
        warnings,
      };
    }
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
        parentNotification: parentNotification(
          executionStarted,
          { status: 'Completed', result: ending.output },
          input.now,
        ),
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
      return failed(ending.reason, ending.message, ctx.takeId(), scheduled, work, customStatus);
  }
}
