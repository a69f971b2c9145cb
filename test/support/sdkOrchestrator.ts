/**
 * Runs orchestrators through durable-functions' own replay code (`Orchestrator.handle`, exactly what
 * `df.app.orchestration` registers) and plays episodes through the replay core, so tests check the
 * host's half of the protocol against the real SDK's half.
 */
import { isDeepStrictEqual } from 'node:util';
import type * as df from 'durable-functions';
import type { HistoryEvent } from '../../devhost/src/protocol/history';
import {
  activityInputValue,
  buildOrchestrationTrigger,
  KeptReplays,
  processEpisode,
} from '../../devhost/src/durable/replay';
import { ReplyText } from '../../devhost/src/durable/scheduler/replyText';
import type { OrchestrationTriggerPayload } from '../../devhost/src/durable/replay/trigger';
import type {
  EpisodeInput,
  EpisodeResult,
  OrchestrationSettings,
  SdkReply,
} from '../../devhost/src/durable/replay/types';
import {
  eventRaised,
  executionStarted,
  subOrchestrationCompleted,
  subOrchestrationFailed,
  taskCompleted,
  taskFailed,
  timerFired,
} from './durableEvents';

export type OrchestratorFn = (context: df.OrchestrationContext) => Generator<unknown, unknown, unknown>;

interface SdkOrchestrator {
  listen(): (trigger: unknown, context: Record<string, unknown>) => Promise<unknown>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const { Orchestrator } = require('durable-functions/lib/src/orchestrations/Orchestrator') as {
  Orchestrator: new (fn: OrchestratorFn) => SdkOrchestrator;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** One SDK invocation, with the payload crossing a JSON boundary as it does between host and worker. */
export async function runSdkEpisode(
  fn: OrchestratorFn,
  payload: OrchestrationTriggerPayload,
): Promise<SdkReply> {
  const handler = new Orchestrator(fn).listen();
  try {
    const state = await handler(JSON.parse(JSON.stringify(payload)), {});
    return { kind: 'state', state: JSON.parse(JSON.stringify(state)) as never };
  } catch (error) {
    return { kind: 'thrown', message: error instanceof Error ? error.message : String(error) };
  }
}

export const DAY_MS = 86_400_000;

export function testSettings(
  names: { activities?: string[]; orchestrators?: string[]; entities?: string[] } = {},
): OrchestrationSettings {
  return {
    maximumShortTimerMs: 6 * DAY_MS,
    longRunningTimerIntervalMs: 3 * DAY_MS,
    defaultHttpAsyncRequestSleepMs: 30_000,
    activityNames: new Set(names.activities ?? []),
    orchestratorNames: new Set(names.orchestrators ?? []),
    entityNames: new Set(names.entities ?? []),
  };
}

/** Counts the episodes that went on from a kept replay. */
export class CountingKeptReplays extends KeptReplays {
  resumed = 0;

  override take(...args: Parameters<KeptReplays['take']>): ReturnType<KeptReplays['take']> {
    const replay = super.take(...args);
    if (replay !== undefined) this.resumed += 1;
    return replay;
  }
}

/**
 * One execution of one instance, played episode by episode with completions the test scripts.
 * Every episode is played twice, as the engine plays it (the reply read as `ReplyText` reads it,
 * going on from the replay kept from the last episode) and replayed from the start: the two results
 * must be the same, or the episode throws.
 */
export class SdkOrchestration {
  readonly history: HistoryEvent[] = [];
  readonly results: EpisodeResult[] = [];
  readonly payloads: OrchestrationTriggerPayload[] = [];
  readonly replies: SdkReply[] = [];
  private readonly kept = new CountingKeptReplays();
  private readonly replyText = new ReplyText();

  /** Episodes that went on from the replay kept from the episode before. */
  get resumedEpisodes(): number {
    return this.kept.resumed;
  }

  constructor(
    public fn: OrchestratorFn,
    readonly options: {
      name: string;
      instanceId?: string;
      executionId?: string;
      settings?: OrchestrationSettings;
    },
  ) {}

  get instanceId(): string {
    return this.options.instanceId ?? 'instance-1';
  }

  get executionId(): string {
    return this.options.executionId ?? 'execution-1';
  }

  get last(): EpisodeResult {
    const result = this.results[this.results.length - 1];
    if (result === undefined) throw new Error('No episode has run yet.');
    return result;
  }

  /** The first episode: delivers ExecutionStarted (plus any events that arrived with it). */
  start(input: unknown, now: string, extra: HistoryEvent[] = []): Promise<EpisodeResult> {
    const started = executionStarted({
      name: this.options.name,
      instanceId: this.instanceId,
      executionId: this.executionId,
      input,
      timestamp: now,
    });
    return this.episode([started, ...extra], now);
  }

  async episode(newEvents: HistoryEvent[], now: string): Promise<EpisodeResult> {
    const settings = this.options.settings ?? testSettings();
    const input: EpisodeInput = {
      instanceId: this.instanceId,
      executionId: this.executionId,
      history: [...this.history],
      newEvents,
      now,
      // The orchestrator under test is registered, as it would be in the app.
      settings: {
        ...settings,
        orchestratorNames: new Set([...settings.orchestratorNames, this.options.name]),
      },
    };
    const payload = buildOrchestrationTrigger(input);
    const reply = await runSdkEpisode(this.fn, payload);
    const result = processEpisode(input, reply);
    const asTheEngineReadsIt: SdkReply =
      reply.kind === 'state'
        ? { kind: 'state', state: this.replyText.parse(input, JSON.stringify(reply.state)) as never }
        : reply;
    const goingOn = processEpisode(input, asTheEngineReadsIt, this.kept);
    if (!isDeepStrictEqual(goingOn, result)) {
      throw new Error(
        `Episode ${this.results.length + 1}: going on from the kept replay gave\n${JSON.stringify(goingOn)}\n` +
          `where replaying from the start gave\n${JSON.stringify(result)}`,
      );
    }
    this.payloads.push(payload);
    this.replies.push(reply);
    this.results.push(result);
    this.history.push(...result.appended);
    return result;
  }
}

const T0_MS = Date.UTC(2024, 0, 1);

/** An ISO time `seconds` after 2024-01-01T00:00:00Z, the tests' epoch. */
export function at(seconds: number): string {
  return new Date(T0_MS + seconds * 1000).toISOString();
}

/** Drops the episode markers, so two histories can be compared whatever their episode boundaries. */
export function withoutEpisodeMarkers(shape: readonly string[]): string[] {
  return shape.filter((entry) => entry !== 'OrchestratorStarted' && entry !== 'OrchestratorCompleted');
}

/** How a scripted world answers outbound work; `undefined` leaves the work unanswered. */
export interface ScriptedWorld {
  activity?: (
    name: string,
    input: unknown,
    id: number,
  ) => { result: unknown } | { error: string } | undefined;
  subOrchestration?: (
    name: string,
    input: unknown,
    id: number,
  ) => { result: unknown } | { error: string } | undefined;
  http?: (
    request: { method: string; uri: string },
    id: number,
  ) => { statusCode: number; headers?: Record<string, string>; content?: string };
  /** Events to raise at a given second, delivered in the first episode at or after it. */
  events?: { atSecond: number; name: string; input: unknown }[];
}

/**
 * Plays an orchestration to its end: each round answers all open work a second later, or, when only
 * timers are left, advances the clock to the earliest one. Returns the last episode's result.
 */
export async function playToCompletion(
  run: SdkOrchestration,
  input: unknown,
  world: ScriptedWorld,
  options: { startSecond?: number; maxEpisodes?: number } = {},
): Promise<EpisodeResult> {
  let second = options.startSecond ?? 0;
  let result = await run.start(input, at(second));
  const open: EpisodeResult['work'] = [...result.work];
  const pendingEvents = [...(world.events ?? [])].sort((a, b) => a.atSecond - b.atSecond);
  for (let episode = 0; episode < (options.maxEpisodes ?? 100); episode++) {
    if (result.runtimeStatus !== 'Running') return result;
    const delivered: HistoryEvent[] = [];
    const answerable = open.filter((w) => w.kind !== 'timer' && w.kind !== 'event');
    const timers = open.filter((w): w is Extract<typeof w, { kind: 'timer' }> => w.kind === 'timer');
    if (answerable.length > 0) {
      second += 1;
    } else {
      const nextTimer = Math.min(...timers.map((t) => (Date.parse(t.fireAt) - Date.parse(at(0))) / 1000));
      const nextEvent = pendingEvents[0]?.atSecond ?? Number.POSITIVE_INFINITY;
      const next = Math.min(nextTimer, nextEvent);
      if (!Number.isFinite(next)) return result;
      second = Math.max(second, next);
    }
    for (const event of pendingEvents.filter((e) => e.atSecond <= second)) {
      delivered.push(eventRaised(event.name, event.input, at(second)));
      pendingEvents.splice(pendingEvents.indexOf(event), 1);
    }
    for (const work of [...open]) {
      const answer = answerWork(work, world, second);
      if (answer === undefined) continue;
      delivered.push(answer);
      open.splice(open.indexOf(work), 1);
    }
    result = await run.episode(delivered, at(second));
    open.push(...result.work);
  }
  throw new Error(`The orchestration did not finish within ${options.maxEpisodes ?? 100} episodes.`);
}

function answerWork(
  work: EpisodeResult['work'][number],
  world: ScriptedWorld,
  second: number,
): HistoryEvent | undefined {
  const now = at(second);
  switch (work.kind) {
    case 'timer':
      return Date.parse(work.fireAt) <= Date.parse(now)
        ? timerFired(work.timerId, work.fireAt, now)
        : undefined;
    case 'activity': {
      const answer = world.activity?.(work.name, activityInputValue(work.input), work.taskScheduledId);
      if (answer === undefined) return undefined;
      return 'error' in answer
        ? taskFailed(work.taskScheduledId, answer.error, now)
        : taskCompleted(work.taskScheduledId, answer.result, now);
    }
    case 'httpActivity': {
      const answer = world.http?.(work.request, work.taskScheduledId);
      return answer === undefined ? undefined : taskCompleted(work.taskScheduledId, answer, now);
    }
    case 'subOrchestration': {
      const input: unknown = work.input === null ? null : JSON.parse(work.input);
      const answer = world.subOrchestration?.(work.name, input, work.taskScheduledId);
      if (answer === undefined) return undefined;
      return 'error' in answer
        ? subOrchestrationFailed(
            work.taskScheduledId,
            `Orchestrator function '${work.name}' failed: ${answer.error}`,
            now,
          )
        : subOrchestrationCompleted(work.taskScheduledId, answer.result, now);
    }
    case 'event':
      return undefined;
  }
}
