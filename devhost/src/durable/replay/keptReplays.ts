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
import type { HistoryEvent } from '../../protocol/history';
import type { OrchestratorAction } from '../../protocol/actions';
import type { ActionWalk } from './actionWalk';
import type { DtfContext } from './dtfContext';
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
  /** By execution, in order of last use. */
  private readonly kept = new Map<string, KeptReplay>();

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /**
   * Removes the replay kept for this episode's execution and returns it if this episode can go on
   * with it (its context then waits for the events from index `fed` of the episode's events).
   */
  take(input: EpisodeInput, actions: readonly OrchestratorAction[]): KeptReplay | undefined {
    const key = keyOf(input);
    const replay = this.kept.get(key);
    if (replay === undefined) return undefined;
    this.kept.delete(key);
    const goesOn =
      extendsStored(replay, input.history) &&
      sameSettings(replay.settings, input.settings) &&
      replay.walk.extend(actions);
    return goesOn ? replay : undefined;
  }

  keep(input: EpisodeInput, replay: KeptReplay): void {
    const key = keyOf(input);
    this.kept.delete(key);
    this.kept.set(key, replay);
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= this.limit) break;
      this.kept.delete(oldest);
    }
  }

  /** Drops what is kept for an execution (one that ended, say). */
  forget(input: Pick<EpisodeInput, 'instanceId' | 'executionId'>): void {
    this.kept.delete(keyOf(input));
  }

  get size(): number {
    return this.kept.size;
  }
}

/** The history is the kept one (the same objects), then what its episode appended (the same values). */
function extendsStored(replay: KeptReplay, history: readonly HistoryEvent[]): boolean {
  const before = replay.history;
  if (history.length !== before.length + replay.appended.length) return false;
  for (let index = before.length - 1; index >= 0; index--) {
    if (history[index] !== before[index]) return false;
  }
  for (let index = 0; index < replay.appended.length; index++) {
    const stored = history[before.length + index];
    const appended = replay.appended[index];
    if (!sameValue(stored, appended)) return false;
  }
  return true;
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

function keyOf(input: Pick<EpisodeInput, 'instanceId' | 'executionId'>): string {
  return `${input.instanceId}\n${input.executionId}`;
}
