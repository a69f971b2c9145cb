/**
 * What an orchestration work item asks for, decided from the instance row, the stored history and
 * the delivered messages before anything runs, as DTF's dispatcher does
 * (`TaskOrchestrationDispatcher.OnProcessWorkItemAsync`, DTFAS `IsExecutableInstance`): messages
 * for another execution or for a finished instance are dropped, and a rewind request reopens a
 * failed one. Terminate, suspend and resume are events of the episode, applied by the replay core.
 * Pure: no I/O, no clock.
 */
import {
  EventType,
  isTerminal,
  type ExecutionStartedEvent,
  type GenericEvent,
  type HistoryEvent,
} from '../../protocol/history';
import type { OrchestrationWorkItem, ReceivedMessage } from '../../store/taskHubStore';

export type EpisodePlan =
  | { kind: 'discard'; reason: string }
  | {
      kind: 'run';
      executionId: string;
      history: HistoryEvent[];
      newEvents: HistoryEvent[];
      /** The stored history was changed in place (rewind): the checkpoint rewrites it whole. */
      rewritten: boolean;
      dropped: string[];
    };

/** Marks a `GenericEvent` message as a rewind request; the rest of `Data` is the reason. */
export const REWIND_PREFIX = 'Rewind: ';

function isRewindRequest(event: HistoryEvent): event is GenericEvent {
  return event.EventType === EventType.GenericEvent && (event.Data ?? '').startsWith(REWIND_PREFIX);
}

export function planEpisode(workItem: OrchestrationWorkItem, now: string): EpisodePlan {
  const row = workItem.instance;
  if (!row) return { kind: 'discard', reason: `instance '${workItem.instanceId}' does not exist` };
  const executionId = row.executionId;
  const history = workItem.historyExecutionId === executionId ? [...workItem.history] : [];
  const started = history.some((e) => e.EventType === EventType.ExecutionStarted);
  const dropped: string[] = [];
  const events: HistoryEvent[] = [];
  for (const received of workItem.messages) {
    const reason = staleReason(received, executionId, started || events.some(isStart));
    if (reason) dropped.push(reason);
    else events.push(received.message.event);
  }

  if (isTerminal(row.runtimeStatus) && !events.some(isStart)) {
    const rewind = row.runtimeStatus === 'Failed' ? events.find(isRewindRequest) : undefined;
    if (rewind && started) {
      return {
        kind: 'run',
        executionId,
        history: rewindHistory(history, now),
        newEvents: [rewind],
        rewritten: true,
        dropped,
      };
    }
    return { kind: 'discard', reason: `instance '${workItem.instanceId}' is ${row.runtimeStatus}` };
  }
  const live = events.filter((e) => !isRewindRequest(e));
  if (live.length === 0) return { kind: 'discard', reason: dropped.join('; ') || 'no events' };
  if (!started && !live.some(isStart)) {
    return { kind: 'discard', reason: `instance '${workItem.instanceId}' has not started yet` };
  }

  return { kind: 'run', executionId, history, newEvents: live, rewritten: false, dropped };
}

function isStart(event: HistoryEvent): event is ExecutionStartedEvent {
  return event.EventType === EventType.ExecutionStarted;
}

function staleReason(received: ReceivedMessage, executionId: string, started: boolean): string | undefined {
  const { event, orchestrationInstance } = received.message;
  if (isStart(event)) {
    if (event.OrchestrationInstance.ExecutionId !== executionId) {
      return `stale start of execution ${event.OrchestrationInstance.ExecutionId}`;
    }
    if (started) return 'duplicate ExecutionStarted';
    return undefined;
  }
  if (orchestrationInstance.ExecutionId !== null && orchestrationInstance.ExecutionId !== executionId) {
    return `${EventType[event.EventType]} for execution ${orchestrationInstance.ExecutionId}`;
  }
  return undefined;
}

/**
 * Reopens a failed execution as DTF's Azure Storage rewind does: the failure (ExecutionCompleted)
 * and every failed task or sub-orchestration, with the event that scheduled it, become
 * `GenericEvent`s (`"Rewound: …"`), so the next replay schedules those calls again.
 */
export function rewindHistory(history: readonly HistoryEvent[], now: string): HistoryEvent[] {
  const failedIds = new Set<number>();
  for (const event of history) {
    if (
      event.EventType === EventType.TaskFailed ||
      event.EventType === EventType.SubOrchestrationInstanceFailed
    ) {
      failedIds.add(event.TaskScheduledId);
    }
  }
  return history.map((event): HistoryEvent => {
    const rewound =
      event.EventType === EventType.ExecutionCompleted ||
      event.EventType === EventType.TaskFailed ||
      event.EventType === EventType.SubOrchestrationInstanceFailed ||
      ((event.EventType === EventType.TaskScheduled ||
        event.EventType === EventType.SubOrchestrationInstanceCreated) &&
        failedIds.has(event.EventId));
    if (!rewound) return event;
    return {
      EventType: EventType.GenericEvent,
      EventId: -1,
      IsPlayed: event.IsPlayed,
      Timestamp: now,
      Data: `Rewound: ${JSON.stringify(event)}`,
    };
  });
}
