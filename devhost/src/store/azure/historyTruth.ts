/**
 * History is the source of truth: the Instances row is written after the history, so a crash
 * between the two leaves a row that lags. These pure checks repair it from history, and spot
 * results whose scheduling event is not in history yet (DTFAS `IsOutOfOrderMessage`).
 */
import {
  completionTaskId,
  EventType,
  OrchestrationStatus,
  type HistoryEvent,
  type RuntimeStatus,
} from '../../protocol/history';
import type { InstanceRow, TaskMessage } from '../taskHubStore';

/** The row as the history says it should be, or undefined when the stored row is consistent. */
export function repairedInstanceRow(
  row: InstanceRow | undefined,
  history: { executionId: string; events: readonly HistoryEvent[] } | undefined,
): InstanceRow | undefined {
  if (!row || !history || history.events.length === 0) return undefined;
  const started = history.events.find((e) => e.EventType === EventType.ExecutionStarted);
  if (!started || started.EventType !== EventType.ExecutionStarted) return undefined;
  // A Pending row of another execution is a newer start that has not run yet: it is ahead, not behind.
  if (row.executionId !== history.executionId && row.runtimeStatus === 'Pending') return undefined;

  let status: RuntimeStatus = 'Running';
  let output = row.executionId === history.executionId ? row.output : null;
  let completedTime: string | null = null;
  let lastUpdated = row.lastUpdatedTime;
  for (const event of history.events) {
    lastUpdated = event.Timestamp;
    if (event.EventType === EventType.ExecutionSuspended) {
      status = 'Suspended';
      output = event.Reason;
    } else if (event.EventType === EventType.ExecutionResumed) {
      status = 'Running';
      output = event.Reason;
    } else if (event.EventType === EventType.ExecutionCompleted) {
      status = (OrchestrationStatus[event.OrchestrationStatus] as RuntimeStatus | undefined) ?? 'Failed';
      output = event.FailureDetails ? JSON.stringify(event.FailureDetails) : event.Result;
      completedTime = event.Timestamp;
    }
  }
  if (row.executionId === history.executionId && row.runtimeStatus === status) return undefined;
  return {
    ...row,
    executionId: history.executionId,
    name: started.Name,
    version: started.Version,
    input: started.Input,
    runtimeStatus: status,
    output,
    createdTime: row.executionId === history.executionId ? row.createdTime : started.Timestamp,
    lastUpdatedTime: lastUpdated,
    completedTime,
    generation: started.Generation,
  };
}

/**
 * A result for the current execution whose task, timer or sub-orchestration is not in history,
 * sent after the last checkpoint completed (a result older than the checkpoint cannot be waiting
 * for it; equal times count as older, since the virtual clock does not move within a step).
 */
export function isOutOfOrder(
  message: TaskMessage,
  history:
    { executionId: string; events: readonly HistoryEvent[]; checkpointAt?: number | undefined } | undefined,
): boolean {
  const id = completionTaskId(message.event);
  if (id === undefined) return false;
  const sentAt = Date.parse(message.event.Timestamp);
  if (history?.checkpointAt !== undefined && history.checkpointAt >= sentAt) return false;
  const target = message.orchestrationInstance.ExecutionId;
  if (history && target !== null && target !== history.executionId) return false;
  return !(history?.events ?? []).some(
    (e) =>
      e.EventId === id &&
      (e.EventType === EventType.TaskScheduled ||
        e.EventType === EventType.TimerCreated ||
        e.EventType === EventType.SubOrchestrationInstanceCreated),
  );
}
