/**
 * Which delivered events enter the episode, decided as DTF's dispatcher does before the orchestrator
 * runs (`ReconcileMessagesWithState`): a second `ExecutionStarted` and messages for another execution
 * are dropped, and a completion whose task already completed (an at-least-once redelivery) is dropped
 * as a duplicate. The decision uses history only, so the trigger payload and the episode result
 * always agree on it.
 */
import { completionTaskId, EventType, type HistoryEvent } from '../../protocol/history';
import type { EpisodeInput } from './types';

export interface AcceptedEvents {
  accepted: HistoryEvent[];
  warnings: string[];
}

function isSchedulingEvent(event: HistoryEvent): boolean {
  return (
    event.EventType === EventType.TaskScheduled ||
    event.EventType === EventType.TimerCreated ||
    event.EventType === EventType.SubOrchestrationInstanceCreated
  );
}

export function acceptDeliveredEvents(
  input: Pick<EpisodeInput, 'history' | 'newEvents' | 'executionId' | 'instanceId'>,
): AcceptedEvents {
  const warnings: string[] = [];
  const { started: startedBefore, scheduled, completed } = tasksInHistory(input);
  let started = startedBefore;

  const accepted: HistoryEvent[] = [];
  for (const event of input.newEvents) {
    if (
      event.EventType === EventType.OrchestratorStarted ||
      event.EventType === EventType.OrchestratorCompleted
    ) {
      warnings.push(`Dropped a delivered ${EventType[event.EventType]} event: the host writes those itself.`);
      continue;
    }
    if (event.EventType === EventType.ExecutionStarted) {
      if (event.OrchestrationInstance.ExecutionId !== input.executionId) {
        warnings.push(
          `Dropped an ExecutionStarted for execution ${event.OrchestrationInstance.ExecutionId} of instance ` +
            `${input.instanceId}: the current execution is ${input.executionId}.`,
        );
        continue;
      }
      if (started) {
        warnings.push(`Dropped a duplicate ExecutionStarted for instance ${input.instanceId}.`);
        continue;
      }
      started = true;
    }
    const id = completionTaskId(event);
    if (id !== undefined) {
      if (completed.has(id) || !scheduled.has(id)) {
        warnings.push(
          `Duplicate ${EventType[event.EventType]} event for task ${id} of instance ${input.instanceId}: ` +
            (completed.has(id) ? 'that task already completed' : 'no such task was scheduled') +
            '; the event is ignored.',
        );
        continue;
      }
      completed.add(id);
    }
    accepted.push(event);
  }
  moveExecutionStartedFirst(accepted);
  return { accepted, warnings };
}

/**
 * Whether history has an `ExecutionStarted`, and which of the tasks the delivered events complete
 * it scheduled and completed. History is walked every episode, so only those tasks are looked for,
 * from the end back: a task's completion comes after the event that scheduled it, so once that
 * event is reached nothing earlier can settle the task (a sequence's step looks at a few events).
 */
function tasksInHistory(input: Pick<EpisodeInput, 'history' | 'newEvents'>): {
  started: boolean;
  scheduled: Set<number>;
  completed: Set<number>;
} {
  const wanted = new Set<number>();
  for (const event of input.newEvents) {
    const id = completionTaskId(event);
    if (id !== undefined) wanted.add(id);
  }
  const scheduled = new Set<number>();
  const completed = new Set<number>();
  const { history } = input;
  for (let index = history.length - 1; index >= 0 && scheduled.size < wanted.size; index--) {
    const event = history[index] as HistoryEvent;
    const id = completionTaskId(event);
    if (id !== undefined && wanted.has(id)) completed.add(id);
    if (isSchedulingEvent(event) && wanted.has(event.EventId)) scheduled.add(event.EventId);
  }
  const started = history.some((event) => event.EventType === EventType.ExecutionStarted);
  return { started, scheduled, completed };
}

/**
 * `TaskOrchestrationDispatcher.EnsureExecutionStartedIsFirst`: an event raised while the start
 * message was still in flight may be dequeued first; the start goes back to the front (DTF leaves
 * a sub-orchestration's start where it is). Messages carry no execution id here, so the whole
 * batch counts as one execution.
 */
function moveExecutionStartedFirst(events: HistoryEvent[]): void {
  const index = events.findIndex((event) => event.EventType === EventType.ExecutionStarted);
  const started = events[index];
  if (index <= 0 || started?.EventType !== EventType.ExecutionStarted || started.ParentInstance !== null)
    return;
  events.splice(index, 1);
  events.unshift(started);
}

/** Copies with `IsPlayed` as the SDK must see newly delivered events: not yet played. */
export function asDelivered(events: readonly HistoryEvent[]): HistoryEvent[] {
  return events.map((event) => ({ ...event, IsPlayed: false }));
}
