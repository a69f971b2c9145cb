/**
 * What the Instances row says about an execution, read back from its history: useful to rebuild or
 * check a status row (name, input, times, runtime status, output) from the events alone.
 */
import {
  EventType,
  OrchestrationStatus,
  type HistoryEvent,
  type RuntimeStatus,
} from '../../protocol/history';

export interface ExecutionSummary {
  name: string;
  instanceId: string;
  executionId: string;
  /** JSON text of the input, as stored. */
  input: string | null;
  createdTime: string;
  lastUpdatedTime: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text of the result, or the raw failure/termination reason. */
  output: string | null;
}

export function summarizeExecution(history: readonly HistoryEvent[]): ExecutionSummary | undefined {
  const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
  if (started === undefined || started.EventType !== EventType.ExecutionStarted) return undefined;
  let runtimeStatus: RuntimeStatus = 'Running';
  let output: string | null = null;
  for (const event of history) {
    if (event.EventType === EventType.ExecutionCompleted) {
      runtimeStatus =
        (OrchestrationStatus[event.OrchestrationStatus] as RuntimeStatus | undefined) ?? 'Running';
      output = event.Result;
    } else if (event.EventType === EventType.ContinueAsNew) {
      runtimeStatus = 'ContinuedAsNew';
    }
  }
  const last = history[history.length - 1] ?? started;
  return {
    name: started.Name,
    instanceId: started.OrchestrationInstance.InstanceId,
    executionId: started.OrchestrationInstance.ExecutionId,
    input: started.Input,
    createdTime: started.Timestamp,
    lastUpdatedTime: last.Timestamp,
    runtimeStatus,
    output,
  };
}
