/**
 * The part of DTF's `TaskOrchestrationContext` (sequence ids, pending actions, open tasks) and of the
 * extension's `DurableOrchestrationContext` (external-event waiters and buffer) that decides what an
 * episode schedules. History events are fed in order, exactly as DTF's executor does.
 */
import type { DurableHttpRequestJson } from '../../protocol/actions';
import { EventType, type EventRaisedEvent, type HistoryEvent } from '../../protocol/history';
import { HostTask, type TaskOutcome } from './hostTask';
import { IdTable } from './idTable';
import { activityParameters } from './payloads';
import { missingAction, otherKind, otherName, type SchedulingEvent } from './nonDeterminism';
import type { ScheduledAction } from './scheduledAction';

const CANCELED = { ok: false, reason: 'The timer was canceled.' } as const;

/** The action each scheduling event records. */
const EXPECTED_KIND: Record<SchedulingEvent['EventType'], ScheduledAction['kind']> = {
  [EventType.TaskScheduled]: 'task',
  [EventType.TimerCreated]: 'timer',
  [EventType.SubOrchestrationInstanceCreated]: 'subOrchestration',
  [EventType.EventSent]: 'event',
};

export class DtfContext {
  /** The current `OrchestratorStarted` timestamp; parsed only when an action asks for the time. */
  private nowText: string | undefined;
  private nowParsed: number | undefined;
  private idCounter = 0;
  private readonly pending = new IdTable<ScheduledAction>();
  private readonly open = new IdTable<HostTask>();
  private readonly eventWaiters = new Map<string, EventWaiter[]>();
  private readonly bufferedEvents = new Map<string, (string | null)[]>();
  private continueAsNewInput: { input: string | null } | undefined;
  readonly carryOver: EventRaisedEvent[] = [];
  private suspendedState: { actions: ScheduledAction[]; events: HistoryEvent[] } | undefined;
  private terminatedAt: { id: number; reason: string | null } | undefined;

  constructor(
    readonly instanceId: string,
    readonly executionId: string,
    private readonly warn: (message: string) => void,
    /** Runs the orchestrator: DTF invokes it when it processes `ExecutionStarted`. */
    private readonly onExecutionStarted: () => void,
  ) {}

  /** The current `OrchestratorStarted` time, as `CurrentUtcDateTime` (epoch ms). */
  get nowMs(): number {
    this.nowParsed ??= this.nowText === undefined ? 0 : Date.parse(this.nowText);
    return this.nowParsed;
  }

  get isSuspended(): boolean {
    return this.suspendedState !== undefined;
  }

  /** Set once an `ExecutionTerminated` was processed: its completion takes the id current at that point. */
  get termination(): { id: number; reason: string | null } | undefined {
    return this.terminatedAt;
  }

  get hasOpenTasks(): boolean {
    return this.open.size > 0;
  }

  get continuedAsNew(): { input: string | null } | undefined {
    return this.continueAsNewInput;
  }

  /** The next id the completion action (ExecutionCompleted / ContinueAsNew) takes. */
  takeId(): number {
    return this.idCounter++;
  }

  /** Actions scheduled in this replay that history has not seen: the episode's new work, by id. */
  newActions(): ScheduledAction[] {
    return this.pending.values();
  }

  /**
   * `input` is the action's input as the SDK sent it; it is serialized only if the task turns out to
   * be new work (most tasks of a replay match history, which needs only their name).
   */
  scheduleTask(name: string, input: unknown, httpRequest?: DurableHttpRequestJson): HostTask {
    const id = this.takeId();
    this.pending.set(id, new TaskAction(id, name, input, httpRequest));
    return this.openTask(id);
  }

  createSubOrchestration(name: string, instanceId: string | undefined, input: string | null): HostTask {
    const id = this.takeId();
    const actualId =
      instanceId === undefined || instanceId.trim() === '' ? `${this.executionId}:${id}` : instanceId;
    this.pending.set(id, { kind: 'subOrchestration', id, name, instanceId: actualId, input });
    return this.openTask(id);
  }

  createTimer(fireAtMs: number, canceled = false): HostTask {
    const id = this.takeId();
    this.pending.set(id, { kind: 'timer', id, fireAt: new Date(fireAtMs).toISOString() });
    // A cancelled timer leaves the open set at once, so it never holds the instance open.
    if (canceled) return HostTask.of(CANCELED);
    return this.openTask(id);
  }

  /** `SendEvent`: fire-and-forget, but it takes a sequence id. `input` may depend on that id. */
  sendEvent(targetInstanceId: string, name: string, input: (id: number) => string | null): number {
    const id = this.takeId();
    this.pending.set(id, { kind: 'event', id, targetInstanceId, name, input: input(id) });
    return id;
  }

  continueAsNew(input: string | null): void {
    this.continueAsNewInput = { input };
  }

  /**
   * An extension-level waiter: external events (`WaitForExternalEvent`) and entity responses
   * (`CallEntity`, keyed by request id), keyed by event name.
   */
  waitForEvent(name: string, source: EventWaiter['source'] = 'external'): HostTask {
    const buffered = this.bufferedEvents.get(name);
    if (buffered !== undefined && buffered.length > 0) {
      const input = buffered.shift() ?? null;
      if (buffered.length === 0) this.bufferedEvents.delete(name);
      return HostTask.of({ ok: true, result: input });
    }
    const task = new HostTask();
    const waiters = this.eventWaiters.get(name) ?? [];
    waiters.push({ task, source, sinceMs: this.nowMs });
    this.eventWaiters.set(name, waiters);
    return task;
  }

  /** External events the orchestration still waits for, with the episode time each wait began. */
  openExternalEvents(): { name: string; sinceMs: number }[] {
    return [...this.eventWaiters.entries()].flatMap(([name, waiters]) =>
      waiters.filter((w) => w.source === 'external').map((w) => ({ name, sinceMs: w.sinceMs })),
    );
  }

  /** Processes one history event, as `TaskOrchestrationExecutor.ProcessEvent` does. */
  handle(event: HistoryEvent): void {
    if (event.EventType === EventType.OrchestratorStarted) {
      this.nowText = event.Timestamp;
      this.nowParsed = undefined;
      return;
    }
    // While suspended, DTF queues everything but a resume or a termination and holds new actions back.
    const suspended = this.suspendedState;
    if (suspended !== undefined && event.EventType !== EventType.ExecutionResumed) {
      if (event.EventType !== EventType.ExecutionTerminated) {
        if (event.EventType !== EventType.ExecutionSuspended) suspended.events.push(event);
        return;
      }
    }
    switch (event.EventType) {
      case EventType.ExecutionStarted:
        this.onExecutionStarted();
        return;
      case EventType.ExecutionTerminated:
        this.terminatedAt ??= { id: this.takeId(), reason: event.Input };
        return;
      case EventType.ExecutionSuspended:
        this.suspendedState = { actions: this.pending.values(), events: [] };
        this.pending.clear();
        return;
      case EventType.ExecutionResumed:
        this.resume();
        return;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.EventSent:
        this.matchScheduled(event);
        return;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        this.resolve(event.TaskScheduledId, event, { ok: true, result: event.Result });
        return;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        this.resolve(event.TaskScheduledId, event, { ok: false, reason: event.Reason });
        return;
      case EventType.TimerFired:
        this.resolve(event.TimerId, event, { ok: true, result: null });
        return;
      case EventType.EventRaised:
        if (this.continueAsNewInput !== undefined) this.carryOver.push(event);
        else this.raise(event.Name, event.Input);
        return;
      default:
        return;
    }
  }

  private resume(): void {
    const suspended = this.suspendedState;
    if (suspended === undefined) return;
    this.suspendedState = undefined;
    for (const action of suspended.actions) this.pending.set(action.id, action);
    for (const event of suspended.events) this.handle(event);
  }

  private openTask(id: number): HostTask {
    const task = new HostTask();
    this.open.set(id, task);
    return task;
  }

  private matchScheduled(event: SchedulingEvent): void {
    const action = this.pending.get(event.EventId);
    if (action === undefined) throw missingAction(event);
    if (action.kind !== EXPECTED_KIND[event.EventType]) throw otherKind(event, action);
    if (action.kind !== 'timer' && 'Name' in event && !sameName(event.Name, action.name)) {
      throw otherName(event, action);
    }
    this.pending.delete(event.EventId);
  }

  private resolve(id: number, event: HistoryEvent, outcome: TaskOutcome): void {
    const task = this.open.get(id);
    if (task === undefined) {
      this.warn(
        `Duplicate ${EventType[event.EventType]} Event: ${id}, type: ${EventType[event.EventType]}, ts: ${event.Timestamp}` +
          ` (instance ${this.instanceId}); no open task has that id, so it changes nothing.`,
      );
      return;
    }
    this.open.delete(id);
    task.settle(outcome);
  }

  private raise(name: string, input: string | null): void {
    const waiters = this.eventWaiters.get(name);
    const waiter = waiters?.pop();
    if (waiters !== undefined && waiters.length === 0) this.eventWaiters.delete(name);
    if (waiter !== undefined) {
      waiter.task.settle({ ok: true, result: input });
      return;
    }
    const buffered = this.bufferedEvents.get(name) ?? [];
    buffered.push(input);
    this.bufferedEvents.set(name, buffered);
  }
}

/** A task's action, its serialized input (DTF's parameter array) made when first read. */
class TaskAction {
  readonly kind = 'task';
  private text: string | undefined;

  constructor(
    readonly id: number,
    readonly name: string,
    private readonly value: unknown,
    readonly httpRequest?: DurableHttpRequestJson,
  ) {}

  get input(): string {
    this.text ??= activityParameters(this.value);
    return this.text;
  }
}

interface EventWaiter {
  task: HostTask;
  source: 'external' | 'entityResponse';
  /** `CurrentUtcDateTime` of the episode that began the wait. */
  sinceMs: number;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
