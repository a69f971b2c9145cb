/**
 * DTF's `NonDeterministicOrchestrationException` texts (`TaskOrchestrationContext.Handle*Event`): the
 * history has a scheduling event at a sequence id, and this replay produced nothing, another kind of
 * action, or another name there.
 */
import { EventType, type HistoryEvent } from '../../protocol/history';
import type { ScheduledAction } from './scheduledAction';

/** What a replay found at a sequence id, beside what the history recorded there (for reports). */
export interface NonDeterminismDetail {
  sequenceId: number;
  /** The recorded scheduling event, e.g. `activity 'Hello'`. */
  expected: string;
  /** What this replay produced at that id, or null for nothing. */
  found: string | null;
}

export class NonDeterminismError extends Error {
  readonly detail: NonDeterminismDetail;
  constructor(message: string, event: SchedulingEvent, found: ScheduledAction | undefined) {
    super(`Non-Deterministic workflow detected: ${message}`);
    this.name = 'NonDeterminismError';
    this.detail = {
      sequenceId: event.EventId,
      expected: describeRecorded(event),
      found: found === undefined ? null : describe(found),
    };
  }
}

const RESTART_HINT =
  'Was a change made to the orchestrator code after this instance had already started running?';

/** DTF's action class names, which its messages quote. */
const ACTION_CLASS: Record<ScheduledAction['kind'], string> = {
  task: 'ScheduleTaskOrchestratorAction',
  timer: 'CreateTimerOrchestratorAction',
  subOrchestration: 'CreateSubOrchestrationAction',
  event: 'SendEventOrchestratorAction',
};

export type SchedulingEvent = Extract<
  HistoryEvent,
  {
    EventType:
      | EventType.TaskScheduled
      | EventType.TimerCreated
      | EventType.SubOrchestrationInstanceCreated
      | EventType.EventSent;
  }
>;

export function missingAction(event: SchedulingEvent): NonDeterminismError {
  const id = event.EventId;
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled an activity task with sequence ID ${id} and name ` +
          `'${event.Name}' (version '${event.Version ?? ''}'), but the current replay execution hasn't (yet?) ` +
          `scheduled this task. ${RESTART_HINT}`,
        event,
        undefined,
      );
    case EventType.TimerCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a timer task with sequence number ${id} but the ` +
          `current replay execution hasn't (yet?) scheduled this task. ${RESTART_HINT}`,
        event,
        undefined,
      );
    case EventType.SubOrchestrationInstanceCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} ` +
          `and name '${event.Name}' (version '${event.Version ?? ''}', instance ID '${event.InstanceId}'), but the ` +
          `current replay execution hasn't (yet?) scheduled this task. ${RESTART_HINT}`,
        event,
        undefined,
      );
    case EventType.EventSent:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, type ` +
          `'EventSent' name '${event.Name}', instance ID '${event.InstanceId}', but the current replay execution ` +
          `hasn't (yet?) scheduled this task. ${RESTART_HINT}`,
        event,
        undefined,
      );
  }
}

export function otherKind(event: SchedulingEvent, found: ScheduledAction): NonDeterminismError {
  const id = event.EventId;
  const produced = `${ACTION_CLASS[found.kind]} action (${describe(found)})`;
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled an activity task with sequence number ${id} named ` +
          `'${event.Name}', but the current orchestration replay instead produced a ${produced} with this ` +
          `sequence number. ${RESTART_HINT}`,
        event,
        found,
      );
    case EventType.TimerCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a timer task with sequence number ${id} but the ` +
          `current orchestration replay instead produced a ${produced} with this sequence number. ${RESTART_HINT}`,
        event,
        found,
      );
    case EventType.SubOrchestrationInstanceCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and ` +
          `name '${event.Name}' (instance ID '${event.InstanceId}'), but the current orchestration replay instead ` +
          `produced a ${produced} at this sequence number. ${RESTART_HINT}`,
        event,
        found,
      );
    case EventType.EventSent:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, name ` +
          `'${event.Name}', instance ID '${event.InstanceId}', but the current orchestration replay instead ` +
          `produced a ${produced} at this sequence number. ${RESTART_HINT}`,
        event,
        found,
      );
  }
}

export function otherName(
  event: SchedulingEvent,
  foundAction: ScheduledAction & { name: string },
): NonDeterminismError {
  const id = event.EventId;
  const foundName = foundAction.name;
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled an activity task with sequence number ${id} named ` +
          `'${event.Name}', but the current orchestration replay instead scheduled an activity task named ` +
          `'${foundName}' with this sequence number. ${RESTART_HINT}`,
        event,
        foundAction,
      );
    case EventType.SubOrchestrationInstanceCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and ` +
          `name '${event.Name}' (instance ID '${event.InstanceId}'), but the current orchestration replay instead ` +
          `scheduled a sub-orchestration task named '${foundName}' at this sequence number. ${RESTART_HINT}`,
        event,
        foundAction,
      );
    default:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, name ` +
          `'${'Name' in event ? event.Name : ''}', but the current orchestration replay instead scheduled a send ` +
          `event task named '${foundName}' at this sequence number. ${RESTART_HINT}`,
        event,
        foundAction,
      );
  }
}

function describeRecorded(event: SchedulingEvent): string {
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return `activity '${event.Name}'`;
    case EventType.TimerCreated:
      return `timer firing at ${event.FireAt}`;
    case EventType.SubOrchestrationInstanceCreated:
      return `sub-orchestration '${event.Name}'`;
    case EventType.EventSent:
      return `event '${event.Name}' to '${event.InstanceId}'`;
  }
}

function describe(action: ScheduledAction): string {
  switch (action.kind) {
    case 'task':
      return `activity '${action.name}'`;
    case 'timer':
      return `timer firing at ${action.fireAt}`;
    case 'subOrchestration':
      return `sub-orchestration '${action.name}'`;
    case 'event':
      return `event '${action.name}' to '${action.targetInstanceId}'`;
  }
}
