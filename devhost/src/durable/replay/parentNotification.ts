/**
 * What a parent hears when its sub-orchestration ends (DTF `ProcessWorkflowCompletedTaskDecision`):
 * `SubOrchestrationInstanceCompleted` with the result, or `SubOrchestrationInstanceFailed` with the
 * child's reason and details. A terminated child sends no details, so a JS parent cannot parse the
 * failure and fails itself, as on Azure.
 */
import { EventType, type ExecutionStartedEvent, type HistoryEvent } from '../../protocol/history';
import type { EpisodeResult } from './types';

export function parentNotification(
  started: ExecutionStartedEvent,
  ending:
    | { status: 'Completed'; result: string | null }
    | { status: 'Failed' | 'Terminated'; reason: string | null; details: string | null },
  now: string,
): EpisodeResult['parentNotification'] {
  const parent = started.ParentInstance;
  if (parent === null) return undefined;
  const base = { EventId: -1, IsPlayed: false, Timestamp: now, TaskScheduledId: parent.TaskScheduleId };
  const event: HistoryEvent =
    ending.status === 'Completed'
      ? { ...base, EventType: EventType.SubOrchestrationInstanceCompleted, Result: ending.result }
      : {
          ...base,
          EventType: EventType.SubOrchestrationInstanceFailed,
          Reason: ending.reason ?? '',
          Details: ending.details,
          FailureDetails: null,
        };
  return {
    instanceId: parent.OrchestrationInstance.InstanceId,
    executionId: parent.OrchestrationInstance.ExecutionId,
    event,
  };
}

/** EXT's details for an orchestrator failure (`OutOfProcOrchestrationShim`): no .NET stack here. */
export function failureDetailsText(message: string): string {
  return `Message: ${message}, StackTrace: `;
}
