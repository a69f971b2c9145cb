/**
 * The dashboard's view into running instances (`InstanceInspection`): what each one waits for,
 * and firing a durable timer early. An orchestrator's `waitForExternalEvent` leaves no history
 * event (the SDK only lists it among its actions), so the waits are found by replaying the stored
 * history through the orchestrator, as an episode would, without delivering anything. Results are
 * kept per execution and history length, so an unchanged instance is not replayed twice.
 */
import { completionTaskId, EventType, isTerminal, type HistoryEvent } from '../../protocol/history';
import type { StoredInstance, TaskHubStore } from '../../store/taskHubStore';
import type { Clock } from '../../clock/clock';
import type { FireTimerResult, InstanceInspection, WaitingInstance } from '../client/inspection';
import type { DurableFunctionApp } from '../scheduler/functionApp';
import { durableFunctionNames } from '../scheduler/functionApp';
import { createReplayCore, orchestrationSettings, runEpisode } from '../scheduler/runEpisode';
import type { EngineSettings } from '../scheduler/settings';

const PAGE_SIZE = 500;
/** Replays at once; each is one orchestrator invocation. */
const PARALLEL_REPLAYS = 4;

export interface InstanceInspectorOptions {
  store: TaskHubStore;
  app: DurableFunctionApp;
  settings: EngineSettings;
  clock: Clock;
}

interface CachedWaits {
  key: string;
  events: WaitingInstance['events'];
}

export class InstanceInspector implements InstanceInspection {
  private readonly cache = new Map<string, CachedWaits>();

  constructor(private readonly options: InstanceInspectorOptions) {}

  functionNames(): { orchestrators: string[]; entities: string[] } {
    const sorted = (names: Set<string>) => [...names].sort((a, b) => a.localeCompare(b));
    return {
      orchestrators: sorted(durableFunctionNames(this.options.app, 'orchestrationTrigger')),
      entities: sorted(durableFunctionNames(this.options.app, 'entityTrigger')),
    };
  }

  async waitingInstances(): Promise<WaitingInstance[]> {
    const rows: StoredInstance[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.store.queryInstances(
        { runtimeStatus: ['Running', 'Suspended'] },
        PAGE_SIZE,
        token,
      );
      rows.push(...page.items.filter((row) => !row.instanceId.startsWith('@')));
      token = page.continuationToken;
    } while (token);

    const live = new Set(rows.map((row) => row.instanceId));
    for (const id of this.cache.keys()) if (!live.has(id)) this.cache.delete(id);

    const found: (WaitingInstance | undefined)[] = new Array<WaitingInstance | undefined>(rows.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < rows.length) {
        const index = next++;
        found[index] = await this.inspect(rows[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_REPLAYS, rows.length) }, worker));
    return found.filter((item): item is WaitingInstance => item !== undefined);
  }

  async fireTimerNow(instanceId: string, timerId: number): Promise<FireTimerResult> {
    const { store, clock } = this.options;
    const row = await store.getInstance(instanceId);
    if (!row || instanceId.startsWith('@')) return { kind: 'notFound' };
    if (isTerminal(row.runtimeStatus)) return { kind: 'gone', runtimeStatus: row.runtimeStatus };
    const history = await store.readHistory(instanceId);
    const events = history?.executionId === row.executionId ? history.events : [];
    const timer = openTimers(events).find((t) => t.timerId === timerId);
    if (!timer) {
      return {
        kind: 'notPending',
        reason: `Instance '${instanceId}' has no pending timer with id ${timerId}.`,
      };
    }
    const firedAt = new Date(clock.now()).toISOString();
    // The timer's own message still fires at FireAt; the replay core drops it then as a duplicate.
    await store.sendMessage({
      message: {
        event: {
          EventType: EventType.TimerFired,
          EventId: -1,
          IsPlayed: false,
          Timestamp: firedAt,
          TimerId: timerId,
          FireAt: firedAt,
        },
        orchestrationInstance: { InstanceId: instanceId, ExecutionId: row.executionId },
      },
    });
    return { kind: 'fired', fireAt: timer.fireAt, firedAt };
  }

  private async inspect(row: StoredInstance): Promise<WaitingInstance | undefined> {
    const history = await this.options.store.readHistory(row.instanceId);
    if (!history || history.executionId !== row.executionId || history.events.length === 0) return undefined;
    const events = history.events;
    const key = `${row.executionId}:${events.length}`;
    let cached = this.cache.get(row.instanceId);
    if (cached?.key !== key) {
      cached = { key, events: await this.replayWaits(row, events) };
      this.cache.set(row.instanceId, cached);
    }
    if (cached.events.length === 0) return undefined;
    return {
      instanceId: row.instanceId,
      name: row.name,
      runtimeStatus: row.runtimeStatus,
      events: cached.events,
      timers: openTimers(events),
    };
  }

  private async replayWaits(
    row: StoredInstance,
    events: readonly HistoryEvent[],
  ): Promise<WaitingInstance['events']> {
    const { app, settings } = this.options;
    const result = await runEpisode({ app, replay: createReplayCore() }, row.name, {
      instanceId: row.instanceId,
      executionId: row.executionId,
      history: events,
      newEvents: [],
      // Replaying adds no time of its own: the orchestrator sees the last recorded instant.
      now: lastTimestamp(events),
      settings: orchestrationSettings(app, settings),
    });
    return result.waitingForEvents ?? [];
  }
}

/** Timers whose `TimerCreated` has no `TimerFired` yet, in the order they were created. */
function openTimers(events: readonly HistoryEvent[]): { timerId: number; fireAt: string }[] {
  const fired = new Set<number>();
  for (const event of events) {
    if (event.EventType === EventType.TimerFired) fired.add(completionTaskId(event)!);
  }
  return events
    .filter((e) => e.EventType === EventType.TimerCreated && !fired.has(e.EventId))
    .map((e) => ({ timerId: e.EventId, fireAt: e.EventType === EventType.TimerCreated ? e.FireAt : '' }));
}

function lastTimestamp(events: readonly HistoryEvent[]): string {
  return events.reduce(
    (latest, e) => (e.Timestamp > latest ? e.Timestamp : latest),
    events[0]?.Timestamp ?? '',
  );
}
