/**
 * The status API's `historyEvents` (`DurableClient.GetDurableOrchestrationStatusAsync`): event type
 * names instead of numbers, episode markers dropped, each completion merged with the event that
 * scheduled it (`FunctionName`, `ScheduledTime`, and its `Input` when inputs are shown), ids removed.
 */
import { EventType, OrchestrationStatus, type HistoryEvent } from '../../protocol/history';
import { parseStoredValue } from './statusValues';

export interface HistoryFormatOptions {
  showHistoryOutput: boolean;
  showInput: boolean;
}

type Row = Record<string, unknown>;

interface Scheduled {
  index: number;
  name: string;
  timestamp: string;
  input: string | null;
}

export function formatHistoryEvents(history: readonly HistoryEvent[], options: HistoryFormatOptions): Row[] {
  const scheduled = new Map<string, Scheduled>();
  const dropped = new Set<number>();
  const rows = history.map((event, index) => {
    const row = rowOf(event);
    switch (event.EventType) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(`${EventType[event.EventType]}_${event.EventId}`, {
          index,
          name: event.Name,
          timestamp: event.Timestamp,
          input: event.Input,
        });
        delete row.Version;
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const prefix =
          event.EventType === EventType.TaskCompleted || event.EventType === EventType.TaskFailed
            ? 'TaskScheduled'
            : 'SubOrchestrationInstanceCreated';
        const origin = scheduled.get(`${prefix}_${event.TaskScheduledId}`);
        if (origin !== undefined) {
          row.ScheduledTime = origin.timestamp;
          row.FunctionName = origin.name;
          if (options.showInput) row.Input = origin.input;
          dropped.add(origin.index);
        }
        delete row.TaskScheduledId;
        showResult(row, options.showHistoryOutput && 'Result' in event);
        break;
      }
      case EventType.ExecutionStarted: {
        const name = row.Name;
        delete row.Name;
        delete row.OrchestrationInstance;
        delete row.ParentInstance;
        delete row.Version;
        delete row.Tags;
        row.FunctionName = name;
        break;
      }
      case EventType.ExecutionCompleted:
        row.OrchestrationStatus = OrchestrationStatus[event.OrchestrationStatus] ?? event.OrchestrationStatus;
        showResult(row, options.showHistoryOutput);
        break;
      case EventType.TimerFired:
        delete row.TimerId;
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        dropped.add(index);
        break;
      default:
        break;
    }
    if (!options.showInput) delete row.Input;
    return row;
  });
  return rows.filter((_row, index) => !dropped.has(index));
}

/** `EventType` as its name first, then the event's own fields, then `Timestamp`; no `EventId`/`IsPlayed`. */
function rowOf(event: HistoryEvent): Row {
  const row: Row = { EventType: EventType[event.EventType] };
  for (const [key, value] of Object.entries(event)) {
    if (key === 'EventType' || key === 'EventId' || key === 'IsPlayed' || key === 'Timestamp') continue;
    row[key] = value;
  }
  row.Timestamp = event.Timestamp;
  return row;
}

function showResult(row: Row, show: boolean): void {
  if (!show) {
    delete row.Result;
    return;
  }
  if ('Result' in row) row.Result = parseStoredValue(row.Result as string | null);
}
