/**
 * Status JSON as the extension's `StatusResponsePayload` writes it (docs/protocol.md §6): fixed field
 * order, `input`/`customStatus`/`output` always present (null when unset), `historyEvents` only
 * when requested.
 */
import type { OrchestrationStatusPayload } from './operations';

export function toStatusResponse(status: OrchestrationStatusPayload): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: status.name,
    instanceId: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    input: status.input ?? null,
    customStatus: status.customStatus ?? null,
    output: status.output ?? null,
    createdTime: status.createdTime,
    lastUpdatedTime: status.lastUpdatedTime,
  };
  if (status.historyEvents !== undefined) body.historyEvents = status.historyEvents;
  return body;
}

/** Stored JSON text as a value; text that is not JSON stays a string (as `ParseToJToken` does). */
export function parseStoredJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
