/**
 * `historyEvents` of the status payload as the extension rewrites DTF history
 * (`DurableClient.GetDurableOrchestrationStatusAsync`, reference §2.6): event types by name,
 * `EventId`/`IsPlayed` dropped, episode markers dropped, scheduling events merged into their
 * completions (`FunctionName`, `ScheduledTime`, `Input`), results only with `showHistoryOutput`. Pure.
 */
import { EventType, OrchestrationStatus, type HistoryEvent } from '../history';
import { parseStored } from './statusPayload';

export interface HistoryFormatOptions {
  showHistoryOutput: boolean;
  showInput: boolean;
}

type Json = Record<string, unknown>;

export function formatHistoryEvents(events: readonly HistoryEvent[], options: HistoryFormatOptions): Json[] {
  const scheduled = new Map<number, HistoryEvent>();
  for (const event of events) {
    if (
      event.EventType === EventType.TaskScheduled ||
      event.EventType === EventType.SubOrchestrationInstanceCreated
    ) {
      scheduled.set(event.EventId, event);
    }
  }
  const out: Json[] = [];
  for (const event of events) {
    const formatted = formatOne(event, scheduled, options);
    if (formatted) out.push(formatted);
  }
  return out;
}

function formatOne(
  event: HistoryEvent,
  scheduled: Map<number, HistoryEvent>,
  options: HistoryFormatOptions,
): Json | undefined {
  const { EventId: _id, IsPlayed: _played, EventType: type, ...fields } = event as HistoryEvent & Json;
  const base: Json = { EventType: EventType[type] };
  switch (event.EventType) {
    case EventType.OrchestratorStarted:
    case EventType.OrchestratorCompleted:
    case EventType.TaskScheduled:
    case EventType.SubOrchestrationInstanceCreated:
      return undefined;
    case EventType.ExecutionStarted: {
      const {
        Name,
        OrchestrationInstance: _i,
        ParentInstance: _p,
        Version: _v,
        Tags: _t,
        Input,
        ...rest
      } = fields as Json;
      return { ...base, FunctionName: Name, ...(options.showInput ? { Input } : {}), ...rest };
    }
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed: {
      const { TaskScheduledId: _s, Result, ...rest } = fields as Json;
      const origin = scheduled.get(event.TaskScheduledId) as (HistoryEvent & Json) | undefined;
      return {
        ...base,
        ...rest,
        ...('Result' in fields && options.showHistoryOutput
          ? { Result: parseStored((Result as string | null) ?? null) }
          : {}),
        ...(origin ? { ScheduledTime: origin.Timestamp, FunctionName: origin.Name } : {}),
        ...(origin && options.showInput ? { Input: origin.Input } : {}),
      };
    }
    case EventType.ExecutionCompleted: {
      const { Result, OrchestrationStatus: status, ...rest } = fields as Json;
      return {
        ...base,
        ...rest,
        OrchestrationStatus: OrchestrationStatus[status as number],
        ...(options.showHistoryOutput ? { Result: parseStored((Result as string | null) ?? null) } : {}),
      };
    }
    case EventType.TimerFired: {
      const { TimerId: _t, ...rest } = fields as Json;
      return { ...base, ...rest };
    }
    default:
      return { ...base, ...fields };
  }
}
