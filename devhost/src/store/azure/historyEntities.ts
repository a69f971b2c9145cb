/**
 * History events as `<hub>History` rows, in DTF's column layout (DTFAS `TableEntityConverter`):
 * `EventType` as the enum name, `Timestamp` renamed `_Timestamp`, nested objects as JSON text, dates
 * as DateTime, enums as names, absent values as absent columns, plus `ExecutionId`. Pure.
 */
import { EventType, OrchestrationStatus, type HistoryEvent } from '../../protocol/history';
import { CorruptDataError } from './corruptData';

type Kind = 'string' | 'number' | 'boolean' | 'date' | 'json' | 'status';

const COMMON: Record<string, Kind> = { EventId: 'number', IsPlayed: 'boolean' };

/** Fields of each event type beyond the common ones, with how each is stored. */
const FIELDS: Partial<Record<EventType, Record<string, Kind>>> = {
  [EventType.ExecutionStarted]: {
    OrchestrationInstance: 'json',
    ParentInstance: 'json',
    Name: 'string',
    Version: 'string',
    Input: 'string',
    Tags: 'json',
    Correlation: 'string',
    ScheduledStartTime: 'date',
    Generation: 'number',
  },
  [EventType.ExecutionCompleted]: { OrchestrationStatus: 'status', Result: 'string', FailureDetails: 'json' },
  [EventType.ExecutionTerminated]: { Input: 'string' },
  [EventType.TaskScheduled]: { Name: 'string', Version: 'string', Input: 'string' },
  [EventType.TaskCompleted]: { TaskScheduledId: 'number', Result: 'string' },
  [EventType.TaskFailed]: {
    TaskScheduledId: 'number',
    Reason: 'string',
    Details: 'string',
    FailureDetails: 'json',
  },
  [EventType.SubOrchestrationInstanceCreated]: {
    Name: 'string',
    Version: 'string',
    InstanceId: 'string',
    Input: 'string',
  },
  [EventType.SubOrchestrationInstanceCompleted]: { TaskScheduledId: 'number', Result: 'string' },
  [EventType.SubOrchestrationInstanceFailed]: {
    TaskScheduledId: 'number',
    Reason: 'string',
    Details: 'string',
    FailureDetails: 'json',
  },
  [EventType.TimerCreated]: { FireAt: 'date' },
  [EventType.TimerFired]: { TimerId: 'number', FireAt: 'date' },
  [EventType.OrchestratorStarted]: {},
  [EventType.OrchestratorCompleted]: {},
  [EventType.EventSent]: { InstanceId: 'string', Name: 'string', Input: 'string' },
  [EventType.EventRaised]: { Name: 'string', Input: 'string' },
  [EventType.ContinueAsNew]: { OrchestrationStatus: 'status', Result: 'string', FailureDetails: 'json' },
  [EventType.GenericEvent]: { Data: 'string' },
  [EventType.HistoryState]: {},
  [EventType.ExecutionSuspended]: { Reason: 'string' },
  [EventType.ExecutionResumed]: { Reason: 'string' },
};

/** Columns DTF moves to blobs when their UTF-16 size exceeds {@link LARGE_PROPERTY_BYTES}. */
export const LARGE_PROPERTIES = [
  'Name',
  'Input',
  'Result',
  'Output',
  'Reason',
  'Details',
  'Correlation',
  'FailureDetails',
  'Tags',
] as const;
export const LARGE_PROPERTY_BYTES = 60 * 1024;

export type TableValue = string | number | boolean | { value: string; type: 'DateTime' };
export type EventColumns = Record<string, TableValue>;

/** The 16-hex-digit row key of the event at `index` in its execution. */
export function historyRowKey(index: number): string {
  return index.toString(16).toUpperCase().padStart(16, '0');
}

export function eventToColumns(event: HistoryEvent, executionId: string): EventColumns {
  const name = EventType[event.EventType] as string | undefined;
  if (name === undefined) throw new TypeError(`Unknown history event type ${String(event.EventType)}.`);
  const record = event as unknown as Record<string, unknown>;
  const columns: EventColumns = {
    EventType: name,
    EventId: event.EventId,
    IsPlayed: event.IsPlayed,
    _Timestamp: { value: event.Timestamp, type: 'DateTime' },
    ExecutionId: executionId,
  };
  const fields = FIELDS[event.EventType];
  if (fields === undefined) throw new TypeError(`History events of type ${name} cannot be stored.`);
  for (const [field, kind] of Object.entries(fields)) {
    const value = record[field];
    if (value === null || value === undefined) continue;
    columns[field] = toColumn(value, kind);
  }
  return columns;
}

function toColumn(value: unknown, kind: Kind): TableValue {
  switch (kind) {
    case 'json':
      return JSON.stringify(value);
    case 'date':
      return { value: asText(value), type: 'DateTime' };
    case 'status':
      return OrchestrationStatus[value as number] ?? asText(value);
    default:
      return value as string | number | boolean;
  }
}

/** Reads a row back into an event; a row devhost cannot read throws {@link CorruptDataError}. */
export function columnsToEvent(columns: Record<string, unknown>, instanceId: string): HistoryEvent {
  const typeName = columns.EventType;
  const type =
    typeof typeName === 'string' ? (EventType as unknown as Record<string, number>)[typeName] : undefined;
  if (type === undefined || FIELDS[type as EventType] === undefined) {
    throw new CorruptDataError(
      instanceId,
      `History row ${String(columns.rowKey)} of instance '${instanceId}' has an unknown event type '${String(typeName)}'.`,
    );
  }
  const event: Record<string, unknown> = { EventType: type };
  for (const [field, kind] of Object.entries({ ...COMMON, ...(FIELDS[type as EventType] ?? {}) })) {
    event[field] = fromColumn(columns[field], kind, field, instanceId);
  }
  event.Timestamp = readDate(columns._Timestamp) ?? new Date(0).toISOString();
  return event as unknown as HistoryEvent;
}

function fromColumn(value: unknown, kind: Kind, field: string, instanceId: string): unknown {
  if (value === undefined || value === null) return kind === 'boolean' ? false : null;
  switch (kind) {
    case 'json':
      try {
        return JSON.parse(asText(value)) as unknown;
      } catch {
        throw new CorruptDataError(
          instanceId,
          `History column ${field} of instance '${instanceId}' is not JSON.`,
        );
      }
    case 'date':
      return readDate(value);
    case 'status': {
      const status = (OrchestrationStatus as unknown as Record<string, number>)[asText(value)];
      return status ?? Number(value);
    }
    case 'number':
      return typeof value === 'object' ? Number((value as { value: unknown }).value) : Number(value);
    default:
      return value;
  }
}

/** Dates come back as `Date`, as text, or as `{ value }`; events carry ISO-8601 text. */
export function readDate(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const raw =
    value instanceof Date ? value : typeof value === 'object' ? (value as { value: unknown }).value : value;
  const date = raw instanceof Date ? raw : new Date(String(raw));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A column value as text (numbers and booleans as JSON does). */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}
