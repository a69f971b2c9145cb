/**
 * Saga fault injection: from a recorded successful run of an orchestrator, fail each activity call in
 * turn (every attempt throws; or, separately, every attempt runs into the host's function timeout),
 * run the orchestration on to its end with the other activities answered as recorded (or by fakes,
 * for the ones the recording never called, such as compensations), and report what ran after the
 * failed step gave up that a successful run never runs: its compensations.
 *
 * The orchestration runs episode by episode through the app and the replay core (`runEpisode`, as
 * the engine runs it) on a clock of its own: timers, retry delays and timeouts take no real time. It
 * needs no task hub, no emulator and no port.
 */
import {
  EventType,
  type ExecutionStartedEvent,
  type HistoryEvent,
  type RuntimeStatus,
} from '../protocol/history';
import { activityInputValue, entityResponseMessage, parseStoredValue } from '../durable/replay';
import type { EpisodeInput, OutboundWork } from '../durable/replay/types';
import { taskCompleted, taskFailed, valueText } from '../durable/scheduler/activityResult';
import { createReplayCore, orchestrationSettings, runEpisode } from '../durable/scheduler/runEpisode';
import { defaultFunctionTimeoutMs } from '../config/hostJson';
import { FunctionTimeoutError } from '../worker/errors';
import { loadDurableApp, type LoadDurableAppOptions } from './durableApp';
import { recordedCalls, recordedHistoryOf, resultsByName } from './recordedRun';
import { parseRecordedHistory } from './replay';

export type FaultKind = 'failure' | 'timeout';

export interface FaultInjectionOptions extends LoadDurableAppOptions {
  /**
   * A recorded successful run: DTF events, the status API's answer with `historyEvents`, or a golden
   * history file's content.
   */
  history: unknown;
  /** Default: the orchestrator that made the history. */
  orchestratorName?: string;
  /** Default both: each step fails once with every attempt throwing, once with every attempt timing out. */
  faults?: readonly FaultKind[];
  /** Results of activities the recording did not call (compensations); default: they return nothing. */
  fakes?: Record<string, (input: unknown) => unknown>;
  /** The most episodes one run may take; default 1,000. */
  maxEpisodes?: number;
}

export interface FaultRun {
  /** 1-based position of the failed call among the recording's activity calls. */
  step: number;
  activity: string;
  fault: FaultKind;
  /** How the orchestration ended (Running: it waits for an event nothing here sends). */
  runtimeStatus: RuntimeStatus;
  /** Its result, or its failure reason. */
  output: unknown;
  /** Every activity call in order (the attempts of one call count once). */
  calls: string[];
  /**
   * The calls after the failed step gave up to activities the recorded successful run never called
   * (undo steps), in order: its compensations. Steps the successful run also takes (recording an
   * outcome, say) are in `calls` only.
   */
  compensations: string[];
}

/** One run per activity call of the recording and per fault kind, in that order. */
export async function injectActivityFaults(options: FaultInjectionOptions): Promise<FaultRun[]> {
  const recorded = parseRecordedHistory(recordedHistoryOf(options.history));
  const started = recorded.find((e) => e.EventType === EventType.ExecutionStarted);
  if (started?.EventType !== EventType.ExecutionStarted) {
    throw new Error('The recorded history has no ExecutionStarted event.');
  }
  const steps = recordedCalls(recorded);
  const loaded = await loadDurableApp(options);
  const replay = createReplayCore();
  try {
    const runs: FaultRun[] = [];
    for (const [index, step] of steps.entries()) {
      for (const fault of options.faults ?? ['failure', 'timeout']) {
        const run = new FaultedRun({
          runner: { app: loaded.app, replay },
          settings: orchestrationSettings(loaded.app, loaded.settings),
          name: options.orchestratorName ?? started.Name,
          started,
          recorded: resultsByName(recorded),
          ordinary: new Set(steps.map((s) => s.name.toLowerCase())),
          fault: { activity: step.name, call: step.call, kind: fault },
          timeoutMs: loaded.functionTimeoutMs ?? defaultFunctionTimeoutMs,
          fakes: options.fakes ?? {},
          maxEpisodes: options.maxEpisodes ?? 1_000,
        });
        runs.push({ step: index + 1, activity: step.name, fault, ...(await run.run()) });
      }
    }
    return runs;
  } finally {
    await loaded.close();
  }
}

interface RunSetup {
  runner: Parameters<typeof runEpisode>[0];
  settings: EpisodeInput['settings'];
  name: string;
  started: ExecutionStartedEvent;
  recorded: Map<string, (string | null)[]>;
  /** Activities the successful run calls (lower-cased): not compensations. */
  ordinary: ReadonlySet<string>;
  fault: { activity: string; call: number; kind: FaultKind };
  timeoutMs: number;
  fakes: Record<string, (input: unknown) => unknown>;
  maxEpisodes: number;
}

interface Delivery {
  at: number;
  seq: number;
  event: HistoryEvent;
}

interface Attempt {
  name: string;
  ok: boolean;
  faulted: boolean;
}

/** One orchestration run with one injected fault, on its own clock. */
class FaultedRun {
  private history: HistoryEvent[] = [];
  private readonly queue: Delivery[] = [];
  private readonly answered = new Map<string, number>();
  private readonly attempts: Attempt[] = [];
  private seq = 0;
  private now: number;

  constructor(private readonly setup: RunSetup) {
    this.now = Date.parse(setup.started.Timestamp);
  }

  async run(): Promise<Omit<FaultRun, 'step' | 'activity' | 'fault'>> {
    const { started } = this.setup;
    let newEvents: HistoryEvent[] = [{ ...started, Timestamp: this.iso(), IsPlayed: false }];
    for (let episode = 0; episode < this.setup.maxEpisodes; episode++) {
      const input: EpisodeInput = {
        instanceId: started.OrchestrationInstance.InstanceId,
        executionId: started.OrchestrationInstance.ExecutionId,
        history: this.history,
        newEvents,
        now: this.iso(),
        settings: this.setup.settings,
      };
      const result = await runEpisode(this.setup.runner, this.setup.name, input);
      this.history = [...this.history, ...result.appended];
      if (result.runtimeStatus !== 'Running' && result.runtimeStatus !== 'Pending') {
        return this.outcome(
          result.runtimeStatus,
          result.runtimeStatus === 'Completed' ? parseStoredValue(result.output) : result.output,
        );
      }
      for (const work of result.work) await this.answer(work);
      const next = this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq).shift();
      if (!next) return this.outcome('Running', undefined);
      this.now = Math.max(this.now, next.at);
      newEvents = [{ ...next.event, Timestamp: this.iso() }];
    }
    throw new Error(`The orchestration did not end within ${this.setup.maxEpisodes} episodes.`);
  }

  private async answer(work: OutboundWork): Promise<void> {
    switch (work.kind) {
      case 'activity':
        return this.runActivity(work);
      case 'subOrchestration': {
        const result = this.next(work.name) ?? null;
        this.deliver(this.now, {
          EventType: EventType.SubOrchestrationInstanceCompleted,
          EventId: -1,
          IsPlayed: false,
          Timestamp: this.iso(),
          TaskScheduledId: work.taskScheduledId,
          Result: result,
        });
        return;
      }
      case 'timer':
        this.deliver(Date.parse(work.fireAt), {
          EventType: EventType.TimerFired,
          EventId: -1,
          IsPlayed: false,
          Timestamp: this.iso(),
          TimerId: work.timerId,
          FireAt: work.fireAt,
        });
        return;
      case 'event':
        this.answerEntityCall(work);
        return;
      case 'httpActivity':
        throw new Error('Fault injection does not run durable HTTP calls (callHttp).');
    }
  }

  private async runActivity(work: Extract<OutboundWork, { kind: 'activity' }>): Promise<void> {
    const key = work.name.toLowerCase();
    const call = this.answered.get(key) ?? 0;
    const { fault } = this.setup;
    if (key === fault.activity.toLowerCase() && call === fault.call) {
      // Every attempt of the faulted call fails, so its retry policy runs out.
      this.attempts.push({ name: work.name, ok: false, faulted: true });
      const timedOut = fault.kind === 'timeout';
      const error = timedOut
        ? new FunctionTimeoutError(work.name, this.setup.timeoutMs)
        : new Error(`Injected failure of ${work.name}`);
      const at = this.now + (timedOut ? this.setup.timeoutMs : 0);
      this.deliver(at, taskFailed(work.taskScheduledId, work.name, error, new Date(at).toISOString()));
      return;
    }
    let result: string | null;
    const recorded = this.setup.recorded.get(key);
    if (recorded && call < recorded.length) {
      result = recorded[call] ?? null;
    } else {
      const fake = Object.entries(this.setup.fakes).find(([name]) => name.toLowerCase() === key)?.[1];
      try {
        result = fake ? valueText(await fake(activityInputValue(work.input))) : null;
      } catch (error) {
        this.attempts.push({ name: work.name, ok: false, faulted: false });
        const failure = error instanceof Error ? error : new Error(String(error));
        this.deliver(this.now, taskFailed(work.taskScheduledId, work.name, failure, this.iso()));
        return;
      }
    }
    this.answered.set(key, call + 1);
    this.attempts.push({ name: work.name, ok: true, faulted: false });
    this.deliver(this.now, taskCompleted(work.taskScheduledId, result, this.iso()));
  }

  /** An entity call waits for its response; signals and events to other instances need none. */
  private answerEntityCall(work: Extract<OutboundWork, { kind: 'event' }>): void {
    if (!work.targetInstanceId.startsWith('@') || work.input === null) return;
    let request: { id?: unknown; signal?: unknown };
    try {
      request = JSON.parse(work.input) as typeof request;
    } catch {
      return;
    }
    if (request.signal === true || typeof request.id !== 'string') return;
    this.deliver(this.now, {
      EventType: EventType.EventRaised,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.iso(),
      Name: request.id,
      Input: entityResponseMessage({ result: null }),
    });
  }

  /** The next recorded result for a sub-orchestration name, if any. */
  private next(name: string): string | null | undefined {
    const key = name.toLowerCase();
    const call = this.answered.get(key) ?? 0;
    this.answered.set(key, call + 1);
    return this.setup.recorded.get(key)?.[call];
  }

  private deliver(at: number, event: HistoryEvent): void {
    this.queue.push({ at, seq: this.seq++, event });
  }

  private iso(): string {
    return new Date(this.now).toISOString();
  }

  private outcome(
    runtimeStatus: RuntimeStatus,
    output: unknown,
  ): Omit<FaultRun, 'step' | 'activity' | 'fault'> {
    const lastFaulted = this.attempts.map((a) => a.faulted).lastIndexOf(true);
    return {
      runtimeStatus,
      output,
      calls: collapse(this.attempts),
      compensations:
        lastFaulted < 0
          ? []
          : collapse(this.attempts.slice(lastFaulted + 1)).filter(
              (name) => !this.setup.ordinary.has(name.toLowerCase()),
            ),
    };
  }
}

/** Attempts as calls: a retry (the same activity right after a failed attempt) is the same call. */
function collapse(attempts: readonly Attempt[]): string[] {
  const calls: string[] = [];
  attempts.forEach((attempt, i) => {
    const previous = attempts[i - 1];
    if (previous && !previous.ok && previous.name === attempt.name) return;
    calls.push(attempt.name);
  });
  return calls;
}
