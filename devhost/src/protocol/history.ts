/**
 * History events as the Durable Task Framework serialises them for out-of-process SDKs:
 * PascalCase names, numeric `EventType`, `Input`/`Result` as JSON text (docs/protocol.md §2). These
 * objects are what devhost stores and what the orchestration trigger hands to the SDK.
 */

export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

/** DTF `OrchestrationStatus`: numbers in history, names in tables and the HTTP API. */
export enum OrchestrationStatus {
  Running = 0,
  Completed = 1,
  ContinuedAsNew = 2,
  Failed = 3,
  Canceled = 4,
  Terminated = 5,
  Pending = 6,
  Suspended = 7,
}

export type RuntimeStatus = keyof typeof OrchestrationStatus;

const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Canceled', 'Terminated'];

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface OrchestrationInstanceRef {
  InstanceId: string;
  ExecutionId: string;
}

interface BaseEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 UTC. */
  Timestamp: string;
}

export interface ParentInstanceInfo {
  Name: string | null;
  Version: string | null;
  TaskScheduleId: number;
  OrchestrationInstance: OrchestrationInstanceRef;
}

export interface ExecutionStartedEvent extends BaseEvent {
  EventType: EventType.ExecutionStarted;
  OrchestrationInstance: OrchestrationInstanceRef;
  ParentInstance: ParentInstanceInfo | null;
  Name: string;
  Version: string | null;
  Input: string | null;
  Tags: Record<string, string> | null;
  Correlation: string | null;
  ScheduledStartTime: string | null;
  Generation: number;
}

export interface ExecutionCompletedEvent extends BaseEvent {
  EventType: EventType.ExecutionCompleted;
  OrchestrationStatus: OrchestrationStatus;
  Result: string | null;
  FailureDetails: unknown;
}

export interface ExecutionTerminatedEvent extends BaseEvent {
  EventType: EventType.ExecutionTerminated;
  Input: string | null;
}

export interface TaskScheduledEvent extends BaseEvent {
  EventType: EventType.TaskScheduled;
  Name: string;
  Version: string | null;
  Input: string | null;
}

export interface TaskCompletedEvent extends BaseEvent {
  EventType: EventType.TaskCompleted;
  TaskScheduledId: number;
  Result: string | null;
}

export interface TaskFailedEvent extends BaseEvent {
  EventType: EventType.TaskFailed;
  TaskScheduledId: number;
  Reason: string;
  Details: string;
  FailureDetails: unknown;
}

export interface SubOrchestrationInstanceCreatedEvent extends BaseEvent {
  EventType: EventType.SubOrchestrationInstanceCreated;
  Name: string;
  Version: string | null;
  InstanceId: string;
  Input: string | null;
}

export interface SubOrchestrationInstanceCompletedEvent extends BaseEvent {
  EventType: EventType.SubOrchestrationInstanceCompleted;
  TaskScheduledId: number;
  Result: string | null;
}

export interface SubOrchestrationInstanceFailedEvent extends BaseEvent {
  EventType: EventType.SubOrchestrationInstanceFailed;
  TaskScheduledId: number;
  Reason: string;
  /** Null when the child was terminated (DTF sends no details then). */
  Details: string | null;
  FailureDetails: unknown;
}

export interface TimerCreatedEvent extends BaseEvent {
  EventType: EventType.TimerCreated;
  FireAt: string;
}

export interface TimerFiredEvent extends BaseEvent {
  EventType: EventType.TimerFired;
  TimerId: number;
  FireAt: string;
}

export interface OrchestratorStartedEvent extends BaseEvent {
  EventType: EventType.OrchestratorStarted;
}

export interface OrchestratorCompletedEvent extends BaseEvent {
  EventType: EventType.OrchestratorCompleted;
}

export interface EventSentEvent extends BaseEvent {
  EventType: EventType.EventSent;
  InstanceId: string;
  Name: string;
  Input: string | null;
}

export interface EventRaisedEvent extends BaseEvent {
  EventType: EventType.EventRaised;
  Name: string;
  Input: string | null;
}

export interface ContinueAsNewEvent extends BaseEvent {
  EventType: EventType.ContinueAsNew;
  OrchestrationStatus: OrchestrationStatus.ContinuedAsNew;
  Result: string | null;
  FailureDetails: unknown;
}

/** DTF's free-form event: devhost uses it as the rewind request and for history entries a rewind
 * replaced (`Data: "Rewound: …"`), as DTF's Azure Storage provider does. */
export interface GenericEvent extends BaseEvent {
  EventType: EventType.GenericEvent;
  Data: string | null;
}

export interface ExecutionSuspendedEvent extends BaseEvent {
  EventType: EventType.ExecutionSuspended;
  Reason: string | null;
}

export interface ExecutionResumedEvent extends BaseEvent {
  EventType: EventType.ExecutionResumed;
  Reason: string | null;
}

export type HistoryEvent =
  | ExecutionStartedEvent
  | ExecutionCompletedEvent
  | ExecutionTerminatedEvent
  | TaskScheduledEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | SubOrchestrationInstanceCreatedEvent
  | SubOrchestrationInstanceCompletedEvent
  | SubOrchestrationInstanceFailedEvent
  | TimerCreatedEvent
  | TimerFiredEvent
  | OrchestratorStartedEvent
  | OrchestratorCompletedEvent
  | EventSentEvent
  | EventRaisedEvent
  | ContinueAsNewEvent
  | GenericEvent
  | ExecutionSuspendedEvent
  | ExecutionResumedEvent;

/** The id of the task an event completes (TaskScheduledId, or TimerId for a timer), if it completes one. */
export function completionTaskId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId;
    case EventType.TimerFired:
      return event.TimerId;
    default:
      return undefined;
  }
}

/**
 * Whether `events` begins with exactly the event objects of `prefix` (the same objects, not equal
 * ones): how a store's next history is known to extend the one before, whose events are frozen.
 */
export function extendsHistory(prefix: readonly HistoryEvent[], events: readonly HistoryEvent[]): boolean {
  if (prefix.length > events.length) return false;
  for (let index = prefix.length - 1; index >= 0; index--) {
    if (prefix[index] !== events[index]) return false;
  }
  return true;
}
