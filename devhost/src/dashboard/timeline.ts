/**
 * An execution's recorded history as timeline rows: one bar per activity, timer and
 * sub-orchestration (scheduled → completed), one mark per event raised or sent and per lifecycle
 * step. Retries show as numbered attempts of the same activity; a timer fired before its due time
 * (the dashboard's "fire now") is marked. Pure: DTF history events (numeric EventType) in, rows out.
 */
export interface RecordedEvent {
  EventType: number;
  EventId: number;
  Timestamp: string;
  Name?: string | null;
  Input?: string | null;
  Result?: string | null;
  Reason?: string | null;
  Details?: string | null;
  FailureDetails?: unknown;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationStatus?: number;
  Data?: string | null;
}

export type RowKind = 'activity' | 'timer' | 'subOrchestration' | 'eventRaised' | 'eventSent' | 'lifecycle';
export type RowState = 'pending' | 'completed' | 'failed' | 'fired' | 'firedEarly' | 'mark';

export interface TimelineRow {
  key: string;
  kind: RowKind;
  label: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms; undefined while pending (the bar runs to "now"). */
  end: number | undefined;
  state: RowState;
  /** 1 for a first call; 2, 3… for retries of the same activity or sub-orchestration. */
  attempt: number;
  /** What the row carries for a person: result, failure reason, event payload, due time… */
  detail?: string;
  childInstanceId?: string;
}

export interface Timeline {
  rows: TimelineRow[];
  start: number;
  /** The latest instant any row reaches (a pending row reaches `now`). */
  end: number;
}

const E = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

const ENDINGS: Record<number, string> = {
  1: 'Completed',
  2: 'ContinuedAsNew',
  3: 'Failed',
  4: 'Canceled',
  5: 'Terminated',
};

export function buildTimeline(events: readonly RecordedEvent[], now: number): Timeline {
  const rows: TimelineRow[] = [];
  const open = new Map<number, TimelineRow>();
  const lastByName = new Map<string, TimelineRow>();
  let episode = events.length > 0 ? Date.parse(events[0]!.Timestamp) : now;
  const at = (event: RecordedEvent): number => Date.parse(event.Timestamp);
  const mark = (event: RecordedEvent, label: string, kind: RowKind = 'lifecycle', detail?: string): void => {
    rows.push({
      key: `m${rows.length}`,
      kind,
      label,
      start: at(event),
      end: at(event),
      state: 'mark',
      attempt: 1,
      ...(detail !== undefined && detail !== null ? { detail } : {}),
    });
  };
  const schedule = (event: RecordedEvent, kind: 'activity' | 'subOrchestration', name: string): void => {
    const previous = lastByName.get(`${kind}:${name}`);
    const row: TimelineRow = {
      key: `s${event.EventId}`,
      kind,
      label: name,
      start: at(event),
      end: undefined,
      state: 'pending',
      attempt: previous?.state === 'failed' ? previous.attempt + 1 : 1,
      ...(event.InstanceId ? { childInstanceId: event.InstanceId } : {}),
    };
    lastByName.set(`${kind}:${name}`, row);
    open.set(event.EventId, row);
    rows.push(row);
  };
  const settle = (
    id: number | undefined,
    end: number,
    state: RowState,
    detail: string | null | undefined,
  ): void => {
    const row = id === undefined ? undefined : open.get(id);
    if (!row) return;
    open.delete(id!);
    row.end = Math.max(end, row.start);
    row.state = state;
    if (detail !== undefined && detail !== null) row.detail = detail;
  };

  for (const event of events) {
    switch (event.EventType) {
      case E.OrchestratorStarted:
        episode = at(event);
        break;
      case E.ExecutionStarted:
        mark(event, 'Started', 'lifecycle', event.Input ?? undefined);
        break;
      case E.TaskScheduled:
        schedule(event, 'activity', event.Name ?? '?');
        break;
      case E.SubOrchestrationInstanceCreated:
        schedule(event, 'subOrchestration', event.Name ?? '?');
        break;
      case E.TaskCompleted:
      case E.SubOrchestrationInstanceCompleted:
        settle(event.TaskScheduledId, at(event), 'completed', event.Result);
        break;
      case E.TaskFailed:
      case E.SubOrchestrationInstanceFailed:
        settle(event.TaskScheduledId, at(event), 'failed', event.Reason ?? event.Details);
        break;
      case E.TimerCreated: {
        const row: TimelineRow = {
          key: `s${event.EventId}`,
          kind: 'timer',
          label: 'Timer',
          start: at(event),
          end: undefined,
          state: 'pending',
          attempt: 1,
          detail: `due ${event.FireAt ?? '?'}`,
        };
        open.set(event.EventId, row);
        rows.push(row);
        break;
      }
      case E.TimerFired: {
        const row = event.TimerId === undefined ? undefined : open.get(event.TimerId);
        const due = Date.parse(row?.detail?.slice(4) ?? '');
        const firedAt = Date.parse(event.FireAt ?? '');
        // A timer fired on time carries its due time; one fired early carries the instant it fired.
        const early = Number.isFinite(due) && Number.isFinite(firedAt) && firedAt < due;
        settle(
          event.TimerId,
          early ? firedAt : episode,
          early ? 'firedEarly' : 'fired',
          early ? `fired early at ${event.FireAt ?? '?'} (${row?.detail ?? ''})` : row?.detail,
        );
        break;
      }
      case E.EventRaised:
        mark(event, `Event ${event.Name ?? '?'}`, 'eventRaised', event.Input ?? undefined);
        break;
      case E.EventSent:
        mark(
          event,
          `Sent ${event.Name ?? '?'} → ${event.InstanceId ?? '?'}`,
          'eventSent',
          event.Input ?? undefined,
        );
        break;
      case E.ExecutionSuspended:
        mark(event, 'Suspended', 'lifecycle', event.Reason ?? undefined);
        break;
      case E.ExecutionResumed:
        mark(event, 'Resumed', 'lifecycle', event.Reason ?? undefined);
        break;
      case E.ExecutionTerminated:
        mark(event, 'Terminate requested', 'lifecycle', event.Input ?? undefined);
        break;
      case E.ExecutionCompleted:
      case E.ContinueAsNew:
        mark(
          event,
          ENDINGS[event.OrchestrationStatus ?? 1] ?? 'Ended',
          'lifecycle',
          event.Result ?? undefined,
        );
        break;
      case E.GenericEvent:
        if ((event.Data ?? '').startsWith('Rewound')) mark(event, 'Rewound', 'lifecycle');
        break;
      default:
        break;
    }
  }
  const start = rows.length > 0 ? Math.min(...rows.map((r) => r.start)) : now;
  let end = start;
  for (const row of rows) end = Math.max(end, row.end ?? now);
  return { rows, start, end };
}

/** `1.2 s`, `3 min 4 s`, `2 h 5 min`, `1 d 2 h`: a duration at a glance. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
