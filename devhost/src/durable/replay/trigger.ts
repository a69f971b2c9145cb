/**
 * The orchestration trigger payload the extension hands a Node orchestrator
 * (`OrchestrationTriggerAttributeBindingProvider.OrchestrationContextToString`).
 */
import {
  EventType,
  type ExecutionStartedEvent,
  type HistoryEvent,
  type OrchestratorStartedEvent,
} from '../../protocol/history';
import { acceptDeliveredEvents, asDelivered } from './deliveredEvents';
import { formatTimeSpan } from '../../protocol/timeSpan';
import type { EpisodeInput } from './types';

export interface OrchestrationTriggerPayload {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: 1;
  upperSchemaVersionNew: 2;
  maximumShortTimerDuration: string;
  longRunningTimerIntervalDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

export function orchestratorStarted(now: string): OrchestratorStartedEvent {
  return { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: now };
}

export function findExecutionStarted(events: readonly HistoryEvent[]): ExecutionStartedEvent | undefined {
  return events.find((e): e is ExecutionStartedEvent => e.EventType === EventType.ExecutionStarted);
}

/** JSON text → value as `MessagePayloadDataConverter.ConvertToJToken` does: invalid JSON stays a string. */
function parseJsonText(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function buildOrchestrationTrigger(input: EpisodeInput): OrchestrationTriggerPayload {
  const { accepted } = acceptDeliveredEvents(input);
  // Past events keep the IsPlayed they were stored with; this episode's events are not played yet.
  const history = [...input.history, orchestratorStarted(input.now), ...asDelivered(accepted)];
  const started = findExecutionStarted(history);
  if (started === undefined) {
    throw new Error(
      `Instance ${input.instanceId} has no ExecutionStarted event in its history or in the delivered events; ` +
        'an orchestration episode needs one.',
    );
  }
  return {
    history,
    input: parseJsonText(started.Input),
    instanceId: input.instanceId,
    isReplaying: started.IsPlayed,
    parentInstanceId: started.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    maximumShortTimerDuration: formatTimeSpan(input.settings.maximumShortTimerMs),
    longRunningTimerIntervalDuration: formatTimeSpan(input.settings.longRunningTimerIntervalMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: input.settings.defaultHttpAsyncRequestSleepMs,
  };
}
