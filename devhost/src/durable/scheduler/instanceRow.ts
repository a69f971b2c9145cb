/**
 * The Instances row after an episode, as DTFAS `AzureTableTrackingStore.UpdateStateAsync` writes
 * it: name, input and created time from the execution's `ExecutionStarted`, status and output
 * from the episode, completed time once terminal, last-updated time = the episode's time. Pure.
 */
import { isTerminal, type ExecutionStartedEvent, type RuntimeStatus } from '../../protocol/history';
import type { InstanceRow } from '../../store/taskHubStore';

export interface RowUpdate {
  status: RuntimeStatus;
  output: string | null;
  customStatus: string | null;
  now: string;
}

export function nextInstanceRow(started: ExecutionStartedEvent, update: RowUpdate): InstanceRow {
  return {
    instanceId: started.OrchestrationInstance.InstanceId,
    executionId: started.OrchestrationInstance.ExecutionId,
    name: started.Name,
    version: started.Version,
    input: started.Input,
    output: update.output,
    customStatus: update.customStatus,
    runtimeStatus: update.status,
    createdTime: started.Timestamp,
    lastUpdatedTime: update.now,
    completedTime: isTerminal(update.status) ? update.now : null,
    scheduledStartTime: started.ScheduledStartTime,
    generation: started.Generation,
    parentInstanceId: started.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
  };
}
