/**
 * An execution's replay kept from one episode to the next: a shortcut of devhost's own. For an
 * out-of-process app the extension replays the whole history through its shim every episode
 * (extended sessions are off for such apps), and so does the SDK in the worker, which stays as it
 * is; devhost's half, re-playing the reply's actions against the history, goes on from where the
 * last episode left it and comes to the state a replay from the start would.
 *
 * It goes on only when a replay from the start would come to the same state: the stored history is
 * the one the last episode saw (the same event objects) followed by exactly what it appended, the
 * settings are the same, and the reply begins with the same action objects the walk has taken (see
 * `ActionWalk.extend`). Anything else replays from the start. An execution that ended keeps nothing.
 */
import { extendsHistory, type HistoryEvent } from '../../protocol/history';
import type { OrchestratorAction } from '../../protocol/actions';
import type { ActionWalk } from './actionWalk';
import type { DtfContext } from './dtfContext';
import { KeptByExecution, type Execution } from './keptByExecution';
import type { EpisodeInput, OrchestrationSettings } from './types';

/** Executions kept at most; the least recently used go first past it. */
const DEFAULT_LIMIT = 1_000;

/** Where a kept replay's warnings go: the episode that goes on with it sets them. */
export interface ReplayOutput {
  warnings: string[];
  /** False while the replay re-plays stored events, whose warnings DTF does not log again. */
  replayingNewEvents: boolean;
}

export interface KeptReplay {
  readonly ctx: DtfContext;
  readonly walk: ActionWalk;
  readonly output: ReplayOutput;
  /** The stored history the episode saw. */
  readonly history: readonly HistoryEvent[];
  /** How many events the episode fed to the context: that history, its OrchestratorStarted and its delivered events. */
  readonly fed: number;
  /** What the episode appended to the history. */
  readonly appended: readonly HistoryEvent[];
  readonly settings: OrchestrationSettings;
}

export class KeptReplays {
  private readonly kept: KeptByExecution<KeptReplay>;

  constructor(limit = DEFAULT_LIMIT) {
    this.kept = new KeptByExecution(limit);
  }

  /**
   * Removes the replay kept for this episode's execution and returns it if this episode can go on
   * with it (its context then waits for the events from index `fed` of the episode's events).
   */
  take(input: EpisodeInput, actions: readonly OrchestratorAction[]): KeptReplay | undefined {
    const replay = this.kept.take(input);
    const goesOn =
      replay !== undefined &&
      extendsStored(replay, input.history) &&
      sameSettings(replay.settings, input.settings) &&
      replay.walk.extend(actions);
    return goesOn ? replay : undefined;
  }

  keep(input: EpisodeInput, replay: KeptReplay): void {
    this.kept.keep(input, replay, 1);
  }

  /** Drops what is kept for an execution (one that ended, say). */
  forget(execution: Execution): void {
    this.kept.take(execution);
  }

  get size(): number {
    return this.kept.size;
  }
}

/** The history is the kept one (the same objects), then what its episode appended (the same values). */
function extendsStored(replay: KeptReplay, history: readonly HistoryEvent[]): boolean {
  const before = replay.history;
  if (history.length !== before.length + replay.appended.length || !extendsHistory(before, history)) {
    return false;
  }
  return replay.appended.every((appended, index) => sameValue(history[before.length + index], appended));
}

/** Equal as JSON values (own enumerable keys, in any order); a store's copy of an event is one. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!sameValue(a[index], b[index])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(right, key) || !sameValue(left[key], right[key])) return false;
  }
  return true;
}

function sameSettings(a: OrchestrationSettings, b: OrchestrationSettings): boolean {
  return (
    a === b ||
    (a.maximumShortTimerMs === b.maximumShortTimerMs &&
      a.longRunningTimerIntervalMs === b.longRunningTimerIntervalMs &&
      a.defaultHttpAsyncRequestSleepMs === b.defaultHttpAsyncRequestSleepMs &&
      sameNames(a.activityNames, b.activityNames) &&
      sameNames(a.orchestratorNames, b.orchestratorNames) &&
      sameNames(a.entityNames, b.entityNames))
  );
}

function sameNames(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const name of a) if (!b.has(name)) return false;
  return true;
}
