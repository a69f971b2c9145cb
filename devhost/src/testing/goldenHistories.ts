/**
 * Golden histories: the recorded runs of an app's orchestrators (one file per branch, in the status
 * API's `historyEvents` format) and of its entities' operations, replayed against the current build.
 *
 * An orchestration's history is replayed as an instance still in flight would be, at every point of
 * its run at once: without its ending, so code that now does more after the last recorded step is
 * fine, while code that schedules something else at a recorded sequence id, or now fails where the
 * run did not, breaks the instances that are in flight when it deploys. An entity's recorded
 * operation is run again on its recorded state: it must still succeed. The file format, and
 * reading and writing the files: `goldenFiles.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { EventType, type HistoryEvent } from '../protocol/history';
import { durableFunctionNames } from '../durable/scheduler/functionApp';
import { createReplayer, parseRecordedHistory, type ReplayReport } from './replay';
import { loadDurableApp, type LoadDurableAppOptions, type LoadedDurableApp } from './durableApp';
import { replayEntityOperations } from './entityReplay';
import {
  describeRecordedWith,
  goldenHistoryFiles,
  readGoldenHistory,
  writeGoldenHistory,
  type EntityGolden,
  type GoldenHistory,
  type GoldenStatus,
} from './goldenFiles';

export interface GoldenVerdict {
  file: string;
  kind: GoldenHistory['kind'];
  name: string;
  branch: string;
  /** False when the current build would break instances (or entities) like the recorded one. */
  ok: boolean;
  /** One line for a person: the orchestrator, the file, and the first diverging step. */
  message: string;
  /** Where the replay left the recorded history. */
  divergence?: { sequenceId: number; expected: string; found: string | null };
}

export interface GoldenChecker {
  check(file: string): Promise<GoldenVerdict>;
  /** Checks a golden history that is not (yet) in a file; `file` only names it in messages. */
  checkGolden(golden: GoldenHistory, file: string): Promise<GoldenVerdict>;
  /**
   * For a fresh recording, before it is kept: the whole history (or the entity operation) replays to
   * exactly the recorded outcome, so what the file holds is what the run did.
   */
  confirm(golden: GoldenHistory, file: string): Promise<GoldenVerdict>;
  /** The app's orchestrators and entities, to see which have no golden history. */
  durableFunctions(): { orchestrators: string[]; entities: string[] };
  close(): Promise<void>;
}

/** Loads the built app once for any number of checks. */
export async function openGoldenChecker(options: LoadDurableAppOptions): Promise<GoldenChecker> {
  const loaded = await loadDurableApp(options);
  const checkGolden = (golden: GoldenHistory, file: string) => checkWith(loaded, golden, file);
  return {
    check: async (file) => checkGolden(readGoldenHistory(file), file),
    checkGolden,
    confirm: (golden, file) => confirmWith(loaded, golden, file),
    durableFunctions: () => ({
      orchestrators: [...durableFunctionNames(loaded.app, 'orchestrationTrigger')].sort(),
      entities: [...durableFunctionNames(loaded.app, 'entityTrigger')].sort(),
    }),
    close: () => loaded.close(),
  };
}

export interface SaveOutcome {
  saved: boolean;
  /** Why not, or where it went. */
  message: string;
}

/**
 * Keeps a fresh recording in `file`, if it replays to its own outcome. A file holding a history
 * the current build no longer replays is not overwritten unless `force` is set: instances like it
 * may be in flight, and the old file is the evidence that this build would break them.
 */
export async function saveGoldenHistory(
  checker: GoldenChecker,
  golden: GoldenHistory,
  file: string,
  options: { force?: boolean } = {},
): Promise<SaveOutcome> {
  const confirmed = await checker.confirm(golden, file);
  if (!confirmed.ok) return { saved: false, message: confirmed.message };
  if (fs.existsSync(file) && !options.force) {
    const existing = await checker.check(file);
    if (!existing.ok) {
      return {
        saved: false,
        message:
          `${existing.file} was not overwritten: ${existing.message} Instances like it would fail after a ` +
          'deploy: keep the old orchestrator code for them (a new orchestrator name, or a version switch), or ' +
          're-record with --force once none is in flight.',
      };
    }
  }
  writeGoldenHistory(file, golden);
  return { saved: true, message: `recorded ${displayPath(file)}` };
}

/** Checks every golden history under `dir` against the app in `appDir`. */
export async function checkGoldenHistories(
  options: LoadDurableAppOptions & { dir: string },
): Promise<GoldenVerdict[]> {
  const checker = await openGoldenChecker(options);
  try {
    const verdicts: GoldenVerdict[] = [];
    for (const file of goldenHistoryFiles(options.dir)) verdicts.push(await checker.check(file));
    return verdicts;
  } finally {
    await checker.close();
  }
}

async function checkWith(
  loaded: LoadedDurableApp,
  golden: GoldenHistory,
  file: string,
): Promise<GoldenVerdict> {
  const shown = displayPath(file);
  const base = { file: shown, kind: golden.kind, name: golden.name, branch: golden.branch };
  const recorded = describeRecordedWith(golden.recordedWith);
  if (golden.kind === 'entity') {
    const state = schedulerStateOf(golden.before);
    let outcome;
    try {
      outcome = (await replayEntityOperations(loaded.app, golden.instanceId, state, [golden.operation]))
        .outcomes[0];
    } catch (error) {
      return {
        ...base,
        ok: false,
        message: `${golden.name}: ${shown}: ${(error as Error).message} (${recorded})`,
      };
    }
    if (outcome && !outcome.ok) {
      return {
        ...base,
        ok: false,
        message:
          `${golden.name}: ${shown}: operation '${golden.operation.name}' now fails on the recorded state: ` +
          `${describeValue(outcome.result)} (${recorded})`,
      };
    }
    return {
      ...base,
      ok: true,
      message: `${golden.name}: ${shown}: operation '${golden.operation.name}' still runs.`,
    };
  }

  const replayer = createReplayer(loaded.app, loaded.settings);
  const history = inFlight(parseRecordedHistory(golden.status));
  const report: ReplayReport = await replayer.replay({ history, orchestratorName: golden.name });
  const problem = report.nonDeterminism;
  if (problem) {
    const divergence = { sequenceId: problem.sequenceId, expected: problem.expected, found: problem.found };
    return {
      ...base,
      ok: false,
      divergence,
      message:
        `${golden.name}: ${shown}: the current build no longer replays this history: expected ` +
        `${problem.expected} at sequence ${problem.sequenceId}, found ${problem.found ?? 'nothing'} ` +
        `(${recorded}).`,
    };
  }
  if (report.runtimeStatus === 'Failed' && golden.status.runtimeStatus !== 'Failed') {
    return {
      ...base,
      ok: false,
      message:
        `${golden.name}: ${shown}: the current build fails this history, which ended ` +
        `${golden.status.runtimeStatus} when recorded: ${report.failureReason ?? 'no reason given'} (${recorded}).`,
    };
  }
  return { ...base, ok: true, message: `${golden.name}: ${shown}: replays.` };
}

async function confirmWith(
  loaded: LoadedDurableApp,
  golden: GoldenHistory,
  file: string,
): Promise<GoldenVerdict> {
  const base = { file: displayPath(file), kind: golden.kind, name: golden.name, branch: golden.branch };
  let expected: unknown;
  let actual: unknown;
  if (golden.kind === 'entity') {
    const replayed = await replayEntityOperations(
      loaded.app,
      golden.instanceId,
      schedulerStateOf(golden.before),
      [golden.operation],
    );
    expected = golden.after.exists ? golden.after : { exists: false };
    actual = replayed.exists ? { exists: true, state: replayed.state } : { exists: false };
  } else {
    const report = await createReplayer(loaded.app, loaded.settings).replay({
      history: golden.status,
      orchestratorName: golden.name,
    });
    expected = {
      deterministic: true,
      runtimeStatus: golden.status.runtimeStatus,
      output: outputOf(golden.status),
    };
    actual = {
      deterministic: report.deterministic,
      runtimeStatus: report.runtimeStatus,
      output: report.runtimeStatus === 'Completed' ? report.output : outputOf(golden.status),
    };
  }
  const ok = isDeepStrictEqual(actual, expected);
  return {
    ...base,
    ok,
    message: ok
      ? `${golden.name}: ${base.file}: replays to the recorded outcome.`
      : `${golden.name}: ${base.file}: the recording does not replay to its own outcome: ` +
        `recorded ${JSON.stringify(expected)}, replayed ${JSON.stringify(actual)}.`,
  };
}

function outputOf(status: GoldenStatus): unknown {
  return status.runtimeStatus === 'Completed' ? status.output : undefined;
}

/** The history as an instance still running has it: everything but the ending. */
function inFlight(history: readonly HistoryEvent[]): HistoryEvent[] {
  return history.filter(
    (e) => e.EventType !== EventType.ExecutionCompleted && e.EventType !== EventType.ContinueAsNew,
  );
}

/** The scheduler state an entity with this user state is stored with (its instance input). */
function schedulerStateOf(entity: EntityGolden['before']): string | null {
  if (!entity.exists) return null;
  return JSON.stringify({ exists: true, state: JSON.stringify(entity.state) });
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
