/**
 * `<hub>Instances` rows (DTFAS `OrchestrationInstanceStatus`): PartitionKey the sanitised instance
 * id, RowKey empty, `RuntimeStatus` as its name, times as DateTime. Pure.
 */
import { OrchestrationStatus, type RuntimeStatus } from '../../protocol/history';
import type { InstanceRow } from '../taskHubStore';
import { CorruptDataError } from './corruptData';
import { asText, readDate, type TableValue } from './historyEntities';

export function instanceToColumns(row: InstanceRow, taskHubName: string): Record<string, TableValue> {
  const columns: Record<string, TableValue> = {
    ExecutionId: row.executionId,
    Name: row.name,
    RuntimeStatus: row.runtimeStatus,
    CreatedTime: date(row.createdTime),
    LastUpdatedTime: date(row.lastUpdatedTime),
    Generation: row.generation,
    TaskHubName: taskHubName,
  };
  const optional: Record<string, TableValue | undefined> = {
    Version: row.version ?? undefined,
    Input: row.input ?? undefined,
    Output: row.output ?? undefined,
    CustomStatus: row.customStatus ?? undefined,
    CompletedTime: row.completedTime === null ? undefined : date(row.completedTime),
    ScheduledStartTime: row.scheduledStartTime === null ? undefined : date(row.scheduledStartTime),
    ParentInstanceId: row.parentInstanceId ?? undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) columns[key] = value;
  return columns;
}

export function columnsToInstance(columns: Record<string, unknown>, instanceId: string): InstanceRow {
  const status = columns.RuntimeStatus;
  if (typeof status !== 'string' || !(status in OrchestrationStatus)) {
    throw new CorruptDataError(
      instanceId,
      `The Instances row of '${instanceId}' has an unknown RuntimeStatus '${String(status)}'.`,
    );
  }
  const text = (key: string): string | null => {
    const value = columns[key];
    return value === undefined || value === null ? null : asText(value);
  };
  return {
    instanceId,
    executionId: text('ExecutionId') ?? '',
    name: text('Name') ?? '',
    version: text('Version'),
    input: text('Input'),
    output: text('Output'),
    customStatus: text('CustomStatus'),
    runtimeStatus: status as RuntimeStatus,
    createdTime: readDate(columns.CreatedTime) ?? new Date(0).toISOString(),
    lastUpdatedTime: readDate(columns.LastUpdatedTime) ?? new Date(0).toISOString(),
    completedTime: readDate(columns.CompletedTime),
    scheduledStartTime: readDate(columns.ScheduledStartTime),
    generation: Number(columns.Generation ?? 0),
    parentInstanceId: text('ParentInstanceId'),
  };
}

function date(value: string): TableValue {
  return { value, type: 'DateTime' };
}
