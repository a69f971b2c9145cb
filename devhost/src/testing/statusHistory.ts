/**
 * Turns the status API's `historyEvents` (`?showHistory=true&showHistoryOutput=true&showInput=true`)
 * back into the DTF history a replay needs. Pure.
 *
 * The extension's format drops what a replay runs on (see docs/testing.md, "Histories from the
 * status API"): sequence ids, the episode markers, and the scheduling event of every task that has
 * completed (merged into its completion as `FunctionName`/`ScheduledTime`). They are put back so:
 *
 * - every event that answers something (a completion, a fired timer, a raised event, a termination)
 *   starts an episode of its own, stamped with the time its events carry;
 * - the scheduling event of a completed task goes at the end of the episode before its completion,
 *   after the scheduling events that episode kept;
 * - sequence ids are counted over the scheduling events in that order; a fired timer is matched to
 *   the open timer with its `FireAt`.
 *
 * That is exactly the original for code that awaits one task at a time, whatever it sends and
 * whatever timers it keeps. For a fan-out it numbers the tasks in the order they completed, so the
 * tasks scheduled together are checked by kind and name, as DTF checks them, and their results reach
 * them in completion order. The execution id, which entity request ids derive from, is read from
 * the entity requests the history sent.
 */
import {
  EventType,
  OrchestrationStatus,
  type ExecutionStartedEvent,
  type HistoryEvent,
} from '../protocol/history';

/** The history is not in the status API's format, or lacks what a replay needs; the message says what. */
export class StatusHistoryError extends Error {
  override readonly name = 'StatusHistoryError';
}

type Row = Record<string, unknown>;

/** True for the status response (`{ historyEvents }`) or its `historyEvents` array. */
export function isStatusHistory(value: unknown): boolean {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Array.isArray((value as Row).historyEvents);
  }
  if (!Array.isArray(value)) return false;
  const first: unknown = value[0];
  return typeof first === 'object' && first !== null && typeof (first as Row).EventType === 'string';
}

export interface StatusHistoryOptions {
  /** Default: the status response's `instanceId`, else the parent named by an entity request. */
  instanceId?: string;
}

/** The DTF events of the execution the status history shows. */
export function historyFromStatusEvents(value: unknown, options: StatusHistoryOptions = {}): HistoryEvent[] {
  const response = !Array.isArray(value) && typeof value === 'object' && value !== null ? (value as Row) : {};
  const rows: unknown = Array.isArray(value) ? value : response.historyEvents;
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new StatusHistoryError('The status history has no historyEvents.');
  }
  const typed = rows.map((row: unknown, index) => readRow(row, index));
  const [first, ...rest] = typed;
  if (first?.type !== EventType.ExecutionStarted) {
    throw new StatusHistoryError('The status history must start with its ExecutionStarted event.');
  }
  const sender = sentBy(typed);
  const instanceId =
    options.instanceId ??
    (typeof response.instanceId === 'string' ? response.instanceId : undefined) ??
    sender?.instanceId ??
    'replayed-instance';
  const executionId = sender?.executionId ?? `${instanceId}:status-history`;

  const builder = new EpisodeBuilder();
  builder.add(executionStarted(first.row, instanceId, executionId), [first.timestamp]);
  const openTimers: { id: number; fireAt: string }[] = [];
  for (const { type, row, index, timestamp } of rest) {
    switch (type) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.EventSent:
        builder.add(scheduled(type, row, builder.takeId(), timestamp), [timestamp]);
        break;
      case EventType.TimerCreated: {
        const id = builder.takeId();
        const fireAt = text(row, 'FireAt', index);
        openTimers.push({ id, fireAt });
        builder.add(event({ EventType: type, EventId: id, Timestamp: timestamp, FireAt: fireAt }), [
          timestamp,
        ]);
        break;
      }
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const id = builder.takeId();
        const scheduledAt = optionalText(row, 'ScheduledTime') ?? timestamp;
        const scheduledType =
          type === EventType.TaskCompleted || type === EventType.TaskFailed
            ? EventType.TaskScheduled
            : EventType.SubOrchestrationInstanceCreated;
        const origin = { ...row, Name: text(row, 'FunctionName', index), InstanceId: '' };
        builder.add(scheduled(scheduledType, origin, id, scheduledAt), [scheduledAt]);
        builder.startEpisode(completion(type, row, id, timestamp), [timestamp]);
        break;
      }
      case EventType.TimerFired: {
        const fireAt = text(row, 'FireAt', index);
        const at = openTimers.findIndex((timer) => timer.fireAt === fireAt);
        const timer = openTimers[at];
        if (timer === undefined) {
          throw new StatusHistoryError(
            `historyEvents[${index}]: a timer fired at ${fireAt}, but no open timer was created for that time.`,
          );
        }
        openTimers.splice(at, 1);
        builder.startEpisode(
          event({ EventType: type, EventId: -1, Timestamp: timestamp, TimerId: timer.id, FireAt: fireAt }),
          [timestamp, fireAt],
        );
        break;
      }
      case EventType.ExecutionCompleted:
      case EventType.ContinueAsNew:
        builder.add(ending(type, row, timestamp), [timestamp]);
        break;
      case EventType.ExecutionStarted:
        throw new StatusHistoryError(
          `historyEvents[${index}]: a second ExecutionStarted; a status history shows one execution.`,
        );
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        break;
      default:
        // Raised events, terminations, suspensions and the rest arrive as messages: each starts an episode.
        builder.startEpisode(event({ ...row, EventType: type, EventId: -1, Timestamp: timestamp }), [
          timestamp,
        ]);
    }
  }
  return builder.events();
}

/** Groups events into episodes and frames each with its OrchestratorStarted/Completed markers. */
class EpisodeBuilder {
  private readonly episodes: { events: HistoryEvent[]; times: string[] }[] = [{ events: [], times: [] }];
  private nextId = 0;

  takeId(): number {
    return this.nextId++;
  }

  add(event: HistoryEvent, times: readonly string[]): void {
    const current = this.episodes[this.episodes.length - 1]!;
    current.events.push(event);
    current.times.push(...times);
  }

  startEpisode(event: HistoryEvent, times: readonly string[]): void {
    this.episodes.push({ events: [event], times: [...times] });
  }

  /** An episode runs at the latest time its events carry: what it scheduled is stamped with it. */
  events(): HistoryEvent[] {
    return this.episodes.flatMap(({ events, times }) => {
      const at = times.reduce((latest, t) => (t > latest ? t : latest), times[0] ?? '');
      return [
        event({ EventType: EventType.OrchestratorStarted, EventId: -1, Timestamp: at }),
        ...events,
        event({ EventType: EventType.OrchestratorCompleted, EventId: -1, Timestamp: at }),
      ];
    });
  }
}

interface TypedRow {
  type: EventType;
  row: Row;
  index: number;
  timestamp: string;
}

function readRow(value: unknown, index: number): TypedRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StatusHistoryError(`historyEvents[${index}] is not an object.`);
  }
  const row = value as Row;
  const name = row.EventType;
  const type = typeof name === 'string' ? (EventType as unknown as Record<string, unknown>)[name] : undefined;
  if (typeof type !== 'number') {
    throw new StatusHistoryError(
      `historyEvents[${index}].EventType must be an event type name (e.g. "TaskCompleted"), not ${JSON.stringify(name)}.`,
    );
  }
  return { type, row, index, timestamp: text(row, 'Timestamp', index) };
}

/** The sending instance and execution, from the entity requests the orchestration sent. */
function sentBy(rows: readonly TypedRow[]): { instanceId?: string; executionId?: string } | undefined {
  for (const { type, row } of rows) {
    if (type !== EventType.EventSent || typeof row.Input !== 'string') continue;
    try {
      const request = JSON.parse(row.Input) as Row;
      if (typeof request.parentExecution === 'string') {
        return {
          executionId: request.parentExecution,
          ...(typeof request.parent === 'string' ? { instanceId: request.parent } : {}),
        };
      }
    } catch {
      // Not an entity request: an event for another instance.
    }
  }
  return undefined;
}

function executionStarted(row: Row, instanceId: string, executionId: string): ExecutionStartedEvent {
  const name = row.FunctionName ?? row.Name;
  if (typeof name !== 'string' || name === '') {
    throw new StatusHistoryError('The ExecutionStarted event has no FunctionName (the orchestrator).');
  }
  return {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: text(row, 'Timestamp', 0),
    OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
    ParentInstance: null,
    Name: name,
    Version: '',
    Input: nullableText(row.Input),
    Tags: null,
    Correlation: nullableText(row.Correlation),
    ScheduledStartTime: nullableText(row.ScheduledStartTime),
    Generation: typeof row.Generation === 'number' ? row.Generation : 0,
  };
}

function scheduled(type: EventType, row: Row, id: number, timestamp: string): HistoryEvent {
  const name = typeof row.Name === 'string' ? row.Name : '';
  const input = nullableText(row.Input);
  switch (type) {
    case EventType.TaskScheduled:
      return event({
        EventType: type,
        EventId: id,
        Timestamp: timestamp,
        Name: name,
        Version: '',
        Input: input,
      });
    case EventType.SubOrchestrationInstanceCreated:
      return event({
        EventType: type,
        EventId: id,
        Timestamp: timestamp,
        Name: name,
        Version: '',
        InstanceId: typeof row.InstanceId === 'string' ? row.InstanceId : '',
        Input: input,
      });
    default:
      return event({
        EventType: type,
        EventId: id,
        Timestamp: timestamp,
        InstanceId: typeof row.InstanceId === 'string' ? row.InstanceId : '',
        Name: name,
        Input: input,
      });
  }
}

function completion(type: EventType, row: Row, id: number, timestamp: string): HistoryEvent {
  if (type === EventType.TaskCompleted || type === EventType.SubOrchestrationInstanceCompleted) {
    return event({
      EventType: type,
      EventId: -1,
      Timestamp: timestamp,
      TaskScheduledId: id,
      Result: storedValue(row.Result),
    });
  }
  return event({
    EventType: type,
    EventId: -1,
    Timestamp: timestamp,
    TaskScheduledId: id,
    Reason: typeof row.Reason === 'string' ? row.Reason : '',
    Details: nullableText(row.Details),
    FailureDetails: row.FailureDetails ?? null,
  });
}

function ending(type: EventType, row: Row, timestamp: string): HistoryEvent {
  const statusName = row.OrchestrationStatus;
  const status =
    typeof statusName === 'string'
      ? (OrchestrationStatus as unknown as Record<string, number>)[statusName]
      : statusName;
  const outcome: OrchestrationStatus = typeof status === 'number' ? status : OrchestrationStatus.Completed;
  // A failure's or termination's result is plain text, which the status API shows as is.
  const failed = outcome === OrchestrationStatus.Failed || outcome === OrchestrationStatus.Terminated;
  return event({
    EventType: type,
    EventId: -1,
    Timestamp: timestamp,
    OrchestrationStatus: outcome,
    Result: failed && typeof row.Result === 'string' ? row.Result : storedValue(row.Result),
    FailureDetails: row.FailureDetails ?? null,
  });
}

/** The status API shows results parsed; history holds them as JSON text. */
function storedValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

function event(fields: Row & { EventType: EventType; EventId: number; Timestamp: string }): HistoryEvent {
  const { EventType: type, EventId, Timestamp, ...rest } = fields;
  return { EventType: type, EventId, IsPlayed: false, Timestamp, ...rest } as unknown as HistoryEvent;
}

function text(row: Row, field: string, index: number): string {
  const value = row[field];
  if (typeof value !== 'string' || value === '') {
    throw new StatusHistoryError(`historyEvents[${index}] (${String(row.EventType)}) has no ${field}.`);
  }
  return value;
}

function optionalText(row: Row, field: string): string | undefined {
  const value = row[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function nullableText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
