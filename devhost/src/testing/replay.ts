/**
 * History replay and the determinism check: run an orchestrator of the compiled app against a
 * history recorded from a real instance, the way the host replays it after a deploy, and say whether
 * the code still makes the decisions the history holds.
 *
 * The app is loaded through the worker seam (as `devhost start` loads it) and the orchestrator is
 * invoked through the app's own programming model with the trigger payload the host sends; the
 * reply goes to the replay core, which checks every recorded scheduling event against the action at
 * its sequence id, exactly as a new episode would.
 */
import { z } from 'zod';
import {
  EventType,
  OrchestrationStatus,
  type ExecutionStartedEvent,
  type HistoryEvent,
  type RuntimeStatus,
} from '../protocol/history';
import type { NonDeterminismDetail } from '../durable/replay/nonDeterminism';
import { parseStoredValue } from '../durable/replay/statusValues';
import type { EpisodeInput, OutboundWork } from '../durable/replay/types';
import {
  durableFunctionNames,
  findDurableFunction,
  type DurableFunctionApp,
} from '../durable/scheduler/functionApp';
import { createReplayCore, orchestrationSettings, runEpisode } from '../durable/scheduler/runEpisode';
import type { EngineSettings } from '../durable/scheduler/settings';
import { loadDurableApp, type LoadDurableAppOptions } from './durableApp';
import { historyFromStatusEvents, isStatusHistory, StatusHistoryError } from './statusHistory';

export interface ReplayOptions {
  /** The orchestrator to run; default: the name in the history's ExecutionStarted event. */
  orchestratorName?: string;
  /**
   * The recorded history of one execution: DTF events (`TestHost.history(id)`), or the status API's
   * response with `historyEvents` (`?showHistory=true&showHistoryOutput=true&showInput=true`).
   */
  history: unknown;
  /** Replaces the recorded input (e.g. when the saved history had it removed). */
  input?: unknown;
}

export interface ReplayReport {
  /** False when the code no longer schedules what the history recorded. */
  deterministic: boolean;
  orchestratorName: string;
  instanceId: string;
  /** Where the replay left the recorded history: the sequence id, what was recorded, what was produced. */
  nonDeterminism?: NonDeterminismDetail & { message: string };
  /** The status the instance would have after this replay. */
  runtimeStatus: RuntimeStatus;
  /** The orchestrator's output when the replay completes it. */
  output: unknown;
  /** Why the replay failed the instance (non-determinism or an error the orchestrator threw). */
  failureReason?: string;
  /** Work the code schedules beyond the history (what a running instance would do next). */
  newWork: OutboundWork[];
  /** The history's own ending, when it has one, to compare with `runtimeStatus` and `output`. */
  recorded?: { runtimeStatus: RuntimeStatus; output: unknown };
  warnings: string[];
}

/** The history given to a replay cannot be used; the message says what to pass instead. */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

/** Thrown by `checkDeterminism` when the code does not replay the history. */
export class NonDeterministicOrchestratorError extends Error {
  override readonly name = 'NonDeterministicOrchestratorError';
  constructor(readonly report: ReplayReport) {
    super(describeReport(report));
  }
}

export type LoadReplayerOptions = LoadDurableAppOptions;

export interface Replayer {
  replay(options: ReplayOptions): Promise<ReplayReport>;
  /** Unloads the app and takes its local settings out of the environment again. */
  close(): Promise<void>;
}

/** Loads the app once, for any number of replays. */
export async function loadReplayer(options: LoadReplayerOptions): Promise<Replayer> {
  const loaded = await loadDurableApp(options);
  const replayer = createReplayer(loaded.app, loaded.settings);
  return { replay: (replayOptions) => replayer.replay(replayOptions), close: () => loaded.close() };
}

/** Replays against an app that is loaded already (a running host's, or one being reloaded). */
export function createReplayer(
  app: DurableFunctionApp & { readonly directory: string },
  engineSettings: Pick<
    EngineSettings,
    'maximumShortTimerMs' | 'longRunningTimerIntervalMs' | 'defaultHttpAsyncRequestSleepMs'
  >,
): Pick<Replayer, 'replay'> {
  async function replay(replayOptions: ReplayOptions): Promise<ReplayReport> {
    const recorded = parseRecordedHistory(replayOptions.history);
    const started = executionStartedOf(recorded);
    const wanted = replayOptions.orchestratorName ?? started.Name;
    const fn = findDurableFunction(app, 'orchestrationTrigger', wanted);
    if (!fn) {
      const known = [...durableFunctionNames(app, 'orchestrationTrigger')].join(', ') || 'none';
      throw new ReplayInputError(
        `The app in ${app.directory} has no orchestrator named '${wanted}' (its orchestrators: ${known}). ` +
          'Pass --orchestrator with one of them, or build the app first.',
      );
    }
    const history = recorded.map((event) =>
      event === started
        ? {
            ...started,
            Name: fn.name,
            ...('input' in replayOptions ? { Input: JSON.stringify(replayOptions.input) ?? null } : {}),
          }
        : event,
    );
    const episode: EpisodeInput = {
      instanceId: started.OrchestrationInstance.InstanceId,
      executionId: started.OrchestrationInstance.ExecutionId,
      history,
      newEvents: [],
      // The replay adds no time of its own: it runs at the last recorded instant.
      now: lastTimestamp(history),
      settings: orchestrationSettings(app, engineSettings),
    };
    const result = await runEpisode({ app, replay: createReplayCore() }, fn.name, episode);
    const ending = recordedEnding(history);
    return {
      deterministic: result.nonDeterminism === undefined,
      orchestratorName: fn.name,
      instanceId: episode.instanceId,
      ...(result.nonDeterminism
        ? { nonDeterminism: { ...result.nonDeterminism, message: result.failureReason ?? '' } }
        : {}),
      runtimeStatus: result.runtimeStatus,
      output: result.runtimeStatus === 'Completed' ? parseStoredValue(result.output) : undefined,
      ...(result.failureReason ? { failureReason: result.failureReason } : {}),
      newWork: result.work,
      ...(ending ? { recorded: ending } : {}),
      warnings: result.warnings,
    };
  }

  return { replay };
}

/** Loads the app, replays one history, and unloads the app. */
export async function replayHistory(options: LoadReplayerOptions & ReplayOptions): Promise<ReplayReport> {
  const replayer = await loadReplayer(options);
  try {
    return await replayer.replay(options);
  } finally {
    await replayer.close();
  }
}

/** Like `replayHistory`, but throws `NonDeterministicOrchestratorError` (expected vs found) on a mismatch. */
export async function checkDeterminism(options: LoadReplayerOptions & ReplayOptions): Promise<ReplayReport> {
  const report = await replayHistory(options);
  if (!report.deterministic) throw new NonDeterministicOrchestratorError(report);
  return report;
}

/** One paragraph for a person: the verdict, and where the code left the history. */
export function describeReport(report: ReplayReport): string {
  const subject = `'${report.orchestratorName}' against the history of '${report.instanceId}'`;
  const problem = report.nonDeterminism;
  if (problem) {
    return (
      `Non-deterministic: ${subject}. At sequence id ${problem.sequenceId} the history has ` +
      `${problem.expected}, but the code now ${problem.found ? `schedules ${problem.found}` : 'schedules nothing'}.\n` +
      problem.message
    );
  }
  const next = report.newWork.length
    ? `, and would next schedule ${report.newWork.length} more action(s)`
    : '';
  const failed = report.failureReason ? ` It fails the instance: ${report.failureReason}` : '';
  return `Deterministic: ${subject} replays to ${report.runtimeStatus}${next}.${failed}`;
}

const historySchema = z.array(
  z.looseObject({
    EventType: z.number().int(),
    EventId: z.number().int(),
    Timestamp: z.string(),
  }),
);

/**
 * The DTF events of a recorded history: as stored (`host.history(id)`, a JSON array of events), or
 * as the status API shows them (the status response, or its `historyEvents`), rebuilt as
 * statusHistory.ts describes.
 */
export function parseRecordedHistory(value: unknown): HistoryEvent[] {
  if (isStatusHistory(value)) {
    try {
      return historyFromStatusEvents(value);
    } catch (error) {
      if (error instanceof StatusHistoryError) throw new ReplayInputError(error.message);
      throw error;
    }
  }
  const parsed = historySchema.safeParse(value);
  if (parsed.success) return parsed.data as unknown as HistoryEvent[];
  const issue = parsed.error.issues[0];
  throw new ReplayInputError(
    `The history must be a JSON array of history events (EventType, EventId, Timestamp), or a status ` +
      `response with historyEvents; at ${issue?.path.join('.') || 'the top'}: ${issue?.message ?? 'invalid'}.`,
  );
}

function executionStartedOf(history: readonly HistoryEvent[]): ExecutionStartedEvent {
  const started = history.filter(
    (e): e is ExecutionStartedEvent => e.EventType === EventType.ExecutionStarted,
  );
  if (started.length !== 1) {
    throw new ReplayInputError(
      `The history must hold exactly one ExecutionStarted event (one execution); it holds ${started.length}.`,
    );
  }
  return started[0]!;
}

function lastTimestamp(history: readonly HistoryEvent[]): string {
  return history.reduce(
    (latest, e) => (e.Timestamp > latest ? e.Timestamp : latest),
    history[0]?.Timestamp ?? '',
  );
}

function recordedEnding(history: readonly HistoryEvent[]): ReplayReport['recorded'] {
  const completed = history.find((e) => e.EventType === EventType.ExecutionCompleted);
  if (completed?.EventType !== EventType.ExecutionCompleted) return undefined;
  const status = OrchestrationStatus[completed.OrchestrationStatus] as RuntimeStatus;
  return {
    runtimeStatus: status,
    output: status === 'Completed' ? parseStoredValue(completed.Result) : undefined,
  };
}
