/**
 * An Instances row as the extension's status payload (`StatusResponsePayload`, reference §2.6):
 * stored JSON text parsed (raw text kept when it is not JSON, as terminate reasons are), times
 * in UTC at second precision. Pure.
 */
import type { OrchestrationStatusPayload } from '../client/operations';
import type { InstanceRow } from '../../store/TaskHubStore';

/** `DurableClient.ParseToJToken`: JSON when it parses, the raw string otherwise, null for none. */
export function parseStored(text: string | null): unknown {
  if (text === null) return null;
  if (text.trim() === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `DateTime.ToString("s") + "Z"`: `yyyy-MM-ddTHH:mm:ssZ`, fractions dropped. */
export function secondPrecision(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}

export function statusPayload(
  row: InstanceRow,
  options: { showInput?: boolean },
  historyEvents?: unknown[],
): OrchestrationStatusPayload {
  return {
    name: row.name,
    instanceId: row.instanceId,
    runtimeStatus: row.runtimeStatus,
    input: options.showInput === false ? null : parseStored(row.input),
    customStatus: parseStored(row.customStatus),
    output: parseStored(row.output),
    createdTime: secondPrecision(row.createdTime),
    lastUpdatedTime: secondPrecision(row.lastUpdatedTime),
    ...(historyEvents ? { historyEvents } : {}),
  };
}
