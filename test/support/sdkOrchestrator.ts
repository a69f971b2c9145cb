/**
 * Runs orchestrators through durable-functions' own replay code (`Orchestrator.handle`, exactly what
 * `df.app.orchestration` registers) and plays episodes through the replay core, so tests check the
 * host's half of the protocol against the real SDK's half.
 */
import type * as df from 'durable-functions';
import type { HistoryEvent } from '../../devhost/durable/history';
import { buildOrchestrationTrigger, processEpisode } from '../../devhost/durable/replay';
import type { OrchestrationTriggerPayload } from '../../devhost/durable/replay/trigger';
import type {
  EpisodeInput,
  EpisodeResult,
  OrchestrationSettings,
  SdkReply,
} from '../../devhost/durable/replay/types';
import { executionStarted } from './durableEvents';

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

/** One execution of one instance, played episode by episode with completions the test scripts. */
export class SdkOrchestration {
  readonly history: HistoryEvent[] = [];
  readonly results: EpisodeResult[] = [];
  readonly payloads: OrchestrationTriggerPayload[] = [];
  readonly replies: SdkReply[] = [];

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
    const input: EpisodeInput = {
      instanceId: this.instanceId,
      executionId: this.executionId,
      history: [...this.history],
      newEvents,
      now,
      settings: this.options.settings ?? testSettings(),
    };
    const payload = buildOrchestrationTrigger(input);
    const reply = await runSdkEpisode(this.fn, payload);
    const result = processEpisode(input, reply);
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
