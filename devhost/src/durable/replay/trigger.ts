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

/** The payload's fields other than `history` and `input`. */
export type TriggerFields = Omit<OrchestrationTriggerPayload, 'history' | 'input'>;

export interface TriggerParts {
  /** The execution's `ExecutionStarted`, whose input the payload carries. */
  started: ExecutionStartedEvent;
  /** What follows the stored history: this episode's `OrchestratorStarted` and delivered events. */
  tail: HistoryEvent[];
  fields: TriggerFields;
}

/** The payload in parts, so a host can send the stored history's JSON without building it anew. */
export function triggerParts(input: EpisodeInput): TriggerParts {
  const { accepted } = acceptDeliveredEvents(input);
  // Past events keep the IsPlayed they were stored with; this episode's events are not played yet.
  const tail = [orchestratorStarted(input.now), ...asDelivered(accepted)];
  const started = findExecutionStarted(input.history) ?? findExecutionStarted(tail);
  if (started === undefined) {
    throw new Error(
      `Instance ${input.instanceId} has no ExecutionStarted event in its history or in the delivered events; ` +
        'an orchestration episode needs one.',
    );
  }
  return {
    started,
    tail,
    fields: {
      instanceId: input.instanceId,
      isReplaying: started.IsPlayed,
      parentInstanceId: started.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      maximumShortTimerDuration: formatTimeSpan(input.settings.maximumShortTimerMs),
      longRunningTimerIntervalDuration: formatTimeSpan(input.settings.longRunningTimerIntervalMs),
      defaultHttpAsyncRequestSleepTimeMillseconds: input.settings.defaultHttpAsyncRequestSleepMs,
    },
  };
}

export function buildOrchestrationTrigger(input: EpisodeInput): OrchestrationTriggerPayload {
  const { started, tail, fields } = triggerParts(input);
  return { history: [...input.history, ...tail], input: parseJsonText(started.Input), ...fields };
}
