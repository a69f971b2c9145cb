/**
 * The start of the next generation after continue-as-new, as DTF's dispatcher builds it in the same
 * work item: a fresh `ExecutionStarted` (new execution id, same name/tags/parent, generation + 1)
 * followed by the carried-over `EventRaised` events, to be fed as the new execution's delivered events.
 */
import {
  EventType,
  type EventRaisedEvent,
  type ExecutionStartedEvent,
  type HistoryEvent,
} from '../../protocol/history';

export function nextGenerationEvents(
  previous: ExecutionStartedEvent,
  next: { executionId: string; input: string | null; carryOver: readonly EventRaisedEvent[]; now: string },
): HistoryEvent[] {
  const started: ExecutionStartedEvent = {
    ...previous,
    EventId: -1,
    IsPlayed: false,
    Timestamp: next.now,
    OrchestrationInstance: {
      InstanceId: previous.OrchestrationInstance.InstanceId,
      ExecutionId: next.executionId,
    },
    Input: next.input,
    Generation: previous.Generation + 1,
    EventType: EventType.ExecutionStarted,
  };
  return [started, ...next.carryOver.map((event) => ({ ...event, IsPlayed: false }))];
}
