/**
 * An Instances row as the extension's status payload (`StatusResponsePayload`, docs/protocol.md §6),
 * with the replay core's renderings of stored values and times. Pure.
 */
import type { OrchestrationStatusPayload } from '../client/operations';
import { formatStatusTime, parseStoredValue } from '../replay';
import type { InstanceRow } from '../../store/taskHubStore';

export function statusPayload(
  row: InstanceRow,
  options: { showInput?: boolean },
  historyEvents?: unknown[],
): OrchestrationStatusPayload {
  return {
    name: row.name,
    instanceId: row.instanceId,
    runtimeStatus: row.runtimeStatus,
    input: options.showInput === false ? null : parseStoredValue(row.input),
    customStatus: parseStoredValue(row.customStatus),
    output: parseStoredValue(row.output),
    createdTime: formatStatusTime(row.createdTime),
    lastUpdatedTime: formatStatusTime(row.lastUpdatedTime),
    ...(historyEvents ? { historyEvents } : {}),
  };
}
