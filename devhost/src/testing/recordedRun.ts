/**
 * What a recorded successful run did, as fault injection needs it: the history inside whatever
 * form it came in (a golden history file's content holds it in `status`), the successful activity
 * calls in order, and what each activity or sub-orchestration returned, by name.
 */
import { EventType, type HistoryEvent } from '../protocol/history';

/** The history of a golden history file's content; any other value as it is. */
export function recordedHistoryOf(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'kind' in value && 'status' in value) {
    return (value as { status: unknown }).status;
  }
  return value;
}

/** The recording's successful activity calls in order, each with its number among calls of that name. */
export function recordedCalls(history: readonly HistoryEvent[]): { name: string; call: number }[] {
  const names = new Map<number, string>();
  const seen = new Map<string, number>();
  const calls: { name: string; call: number }[] = [];
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled) names.set(event.EventId, event.Name);
    if (event.EventType === EventType.TaskCompleted) {
      const name = names.get(event.TaskScheduledId);
      if (name === undefined) continue;
      const call = seen.get(name) ?? 0;
      seen.set(name, call + 1);
      calls.push({ name, call });
    }
  }
  return calls;
}

/** What the recording's successful calls returned, by activity or sub-orchestration name, in order. */
export function resultsByName(history: readonly HistoryEvent[]): Map<string, (string | null)[]> {
  const names = new Map<number, string>();
  const results = new Map<string, (string | null)[]>();
  for (const event of history) {
    if (
      event.EventType === EventType.TaskScheduled ||
      event.EventType === EventType.SubOrchestrationInstanceCreated
    ) {
      names.set(event.EventId, event.Name.toLowerCase());
    }
    if (
      event.EventType === EventType.TaskCompleted ||
      event.EventType === EventType.SubOrchestrationInstanceCompleted
    ) {
      const name = names.get(event.TaskScheduledId);
      if (name !== undefined) results.set(name, [...(results.get(name) ?? []), event.Result]);
    }
  }
  return results;
}
