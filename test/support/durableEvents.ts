/** Builders for the history events a host delivers, for tests that script an orchestration's world. */
import {
  EventType,
  type EventRaisedEvent,
  type ExecutionResumedEvent,
  type ExecutionStartedEvent,
  type ExecutionSuspendedEvent,
  type ExecutionTerminatedEvent,
  type HistoryEvent,
  type ParentInstanceInfo,
  type SubOrchestrationInstanceCompletedEvent,
  type SubOrchestrationInstanceFailedEvent,
  type TaskCompletedEvent,
  type TaskFailedEvent,
  type TimerFiredEvent,
} from '../../devhost/src/protocol/history';
import type { TaskMessage } from '../../devhost/src/store/taskHubStore';

const T0 = '2024-01-01T00:00:00.000Z';

export function executionStarted(args: {
  name: string;
  instanceId: string;
  executionId: string;
  input?: unknown;
  parent?: ParentInstanceInfo | null;
  timestamp?: string;
  generation?: number;
}): ExecutionStartedEvent {
  return {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: args.timestamp ?? T0,
    OrchestrationInstance: { InstanceId: args.instanceId, ExecutionId: args.executionId },
    ParentInstance: args.parent ?? null,
    Name: args.name,
    Version: '',
    Input: args.input === undefined ? null : JSON.stringify(args.input),
    Tags: null,
    Correlation: null,
    ScheduledStartTime: null,
    Generation: args.generation ?? 0,
  };
}

export function taskCompleted(taskScheduledId: number, result: unknown, timestamp = T0): TaskCompletedEvent {
  return {
    EventType: EventType.TaskCompleted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    TaskScheduledId: taskScheduledId,
    Result: result === undefined ? null : JSON.stringify(result),
  };
}

export function taskFailed(taskScheduledId: number, message: string, timestamp = T0): TaskFailedEvent {
  return {
    EventType: EventType.TaskFailed,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    TaskScheduledId: taskScheduledId,
    Reason: `Activity function failed: ${message}`,
    Details: `{"Message":"${message}"}`,
    FailureDetails: null,
  };
}

export function subOrchestrationCompleted(
  taskScheduledId: number,
  result: unknown,
  timestamp = T0,
): SubOrchestrationInstanceCompletedEvent {
  return {
    EventType: EventType.SubOrchestrationInstanceCompleted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    TaskScheduledId: taskScheduledId,
    Result: result === undefined ? null : JSON.stringify(result),
  };
}

export function subOrchestrationFailed(
  taskScheduledId: number,
  reason: string,
  timestamp = T0,
): SubOrchestrationInstanceFailedEvent {
  return {
    EventType: EventType.SubOrchestrationInstanceFailed,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    TaskScheduledId: taskScheduledId,
    Reason: reason,
    Details: `Message: ${reason}, StackTrace: (none)`,
    FailureDetails: null,
  };
}

export function timerFired(timerId: number, fireAt: string, timestamp = fireAt): TimerFiredEvent {
  return {
    EventType: EventType.TimerFired,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    TimerId: timerId,
    FireAt: fireAt,
  };
}

export function eventRaised(name: string, input: unknown, timestamp = T0): EventRaisedEvent {
  return {
    EventType: EventType.EventRaised,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    Name: name,
    Input: input === undefined ? null : JSON.stringify(input),
  };
}

/** An external event as the message a client sends to an instance (no execution named), stamped now. */
export function eventRaisedMessage(instanceId: string, name: string, input: unknown = null): TaskMessage {
  return {
    event: eventRaised(name, input, new Date().toISOString()),
    orchestrationInstance: { InstanceId: instanceId, ExecutionId: null },
  };
}

export function executionTerminated(reason: string, timestamp = T0): ExecutionTerminatedEvent {
  return {
    EventType: EventType.ExecutionTerminated,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    Input: reason,
  };
}

export function executionSuspended(reason: string | null, timestamp = T0): ExecutionSuspendedEvent {
  return {
    EventType: EventType.ExecutionSuspended,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    Reason: reason,
  };
}

export function executionResumed(reason: string | null, timestamp = T0): ExecutionResumedEvent {
  return {
    EventType: EventType.ExecutionResumed,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    Reason: reason,
  };
}

/**
 * A compact, timestamp-free picture of a history: `Name#id` for events that carry a sequence id,
 * `Name(id)` for completions naming the id they answer, plain `Name` otherwise.
 */
export function shapeOf(events: readonly HistoryEvent[]): string[] {
  return events.map((event) => {
    const name = EventType[event.EventType];
    if ('TaskScheduledId' in event) return `${name}(${event.TaskScheduledId})`;
    if ('TimerId' in event) return `${name}(${event.TimerId})`;
    if (event.EventId >= 0) return `${name}#${event.EventId}`;
    return name;
  });
}
