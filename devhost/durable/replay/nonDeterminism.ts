/**
 * DTF's `NonDeterministicOrchestrationException` texts (`TaskOrchestrationContext.Handle*Event`): the
 * history has a scheduling event at a sequence id, and this replay produced nothing, another kind of
 * action, or another name there.
 */
import { EventType, type HistoryEvent } from '../history';
import type { ScheduledAction } from './scheduledAction';

export class NonDeterminismError extends Error {
  constructor(detail: string) {
    super(`Non-Deterministic workflow detected: ${detail}`);
    this.name = 'NonDeterminismError';
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
      );
    case EventType.TimerCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a timer task with sequence number ${id} but the ` +
          `current replay execution hasn't (yet?) scheduled this task. ${RESTART_HINT}`,
      );
    case EventType.SubOrchestrationInstanceCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} ` +
          `and name '${event.Name}' (version '${event.Version ?? ''}', instance ID '${event.InstanceId}'), but the ` +
          `current replay execution hasn't (yet?) scheduled this task. ${RESTART_HINT}`,
      );
    case EventType.EventSent:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, type ` +
          `'EventSent' name '${event.Name}', instance ID '${event.InstanceId}', but the current replay execution ` +
          `hasn't (yet?) scheduled this task. ${RESTART_HINT}`,
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
      );
    case EventType.TimerCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a timer task with sequence number ${id} but the ` +
          `current orchestration replay instead produced a ${produced} with this sequence number. ${RESTART_HINT}`,
      );
    case EventType.SubOrchestrationInstanceCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and ` +
          `name '${event.Name}' (instance ID '${event.InstanceId}'), but the current orchestration replay instead ` +
          `produced a ${produced} at this sequence number. ${RESTART_HINT}`,
      );
    case EventType.EventSent:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, name ` +
          `'${event.Name}', instance ID '${event.InstanceId}', but the current orchestration replay instead ` +
          `produced a ${produced} at this sequence number. ${RESTART_HINT}`,
      );
  }
}

export function otherName(event: SchedulingEvent, foundName: string): NonDeterminismError {
  const id = event.EventId;
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled an activity task with sequence number ${id} named ` +
          `'${event.Name}', but the current orchestration replay instead scheduled an activity task named ` +
          `'${foundName}' with this sequence number. ${RESTART_HINT}`,
      );
    case EventType.SubOrchestrationInstanceCreated:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and ` +
          `name '${event.Name}' (instance ID '${event.InstanceId}'), but the current orchestration replay instead ` +
          `scheduled a sub-orchestration task named '${foundName}' at this sequence number. ${RESTART_HINT}`,
      );
    default:
      return new NonDeterminismError(
        `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, name ` +
          `'${'Name' in event ? event.Name : ''}', but the current orchestration replay instead scheduled a send ` +
          `event task named '${foundName}' at this sequence number. ${RESTART_HINT}`,
      );
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
