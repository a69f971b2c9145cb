/**
 * Golden histories: the recorded runs of an app's orchestrators (one file per branch, in the status
 * API's `historyEvents` format) and of its entities' operations, replayed against the current build.
 *
 * An orchestration's history is replayed as an instance still in flight would be, at every point of
 * its run at once: without its ending, so code that now does more after the last recorded step is
 * fine, while code that schedules something else at a recorded sequence id, or now fails where the
 * run did not, breaks the instances that are in flight when it deploys. An entity's recorded
 * operation is run again on its recorded state: it must still succeed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { EventType, type HistoryEvent } from '../protocol/history';
import { durableFunctionNames } from '../durable/scheduler/functionApp';
import { createReplayer, parseRecordedHistory, type ReplayReport } from './replay';
import { loadDurableApp, type LoadDurableAppOptions, type LoadedDurableApp } from './durableApp';
import { replayEntityOperations } from './entityReplay';

const recordedWithSchema = z.looseObject({
  app: z.string().optional(),
  version: z.string().optional(),
  /** The compiled file the orchestrator (or entity) lives in, relative to the app. */
  source: z.string().optional(),
  /** Content hash of that file. */
  sha256: z.string().optional(),
  recordedAt: z.string().optional(),
});

const statusSchema = z.looseObject({
  instanceId: z.string(),
  runtimeStatus: z.string(),
  input: z.unknown(),
  historyEvents: z.array(z.unknown()),
});

const common = {
  name: z.string().min(1),
  branch: z.string().min(1),
  description: z.string(),
  recordedWith: recordedWithSchema,
};

const orchestrationGoldenSchema = z.object({
  kind: z.literal('orchestration'),
  ...common,
  /** The status API's answer for the instance, with `historyEvents` (showHistory, output and input). */
  status: statusSchema,
});

/** An entity as the Durable HTTP API's entity endpoint shows it. */
const entityStateSchema = z.object({ exists: z.boolean(), state: z.unknown() });

const entityGoldenSchema = z.object({
  kind: z.literal('entity'),
  ...common,
  /** The entity instance, `@<name lower-cased>@<key>`. */
  instanceId: z.string().regex(/^@[^@]+@/),
  /** The entity before the operation. */
  before: entityStateSchema,
  operation: z.object({
    name: z.string(),
    input: z.unknown().optional(),
    signal: z.boolean().optional(),
  }),
  /** The entity after it. */
  after: entityStateSchema,
});

const goldenSchema = z.discriminatedUnion('kind', [orchestrationGoldenSchema, entityGoldenSchema]);

export type GoldenHistory = z.infer<typeof goldenSchema>;
export type OrchestrationGolden = z.infer<typeof orchestrationGoldenSchema>;
export type EntityGolden = z.infer<typeof entityGoldenSchema>;
export type RecordedWith = z.infer<typeof recordedWithSchema>;

/** A golden file that cannot be read; the message names the file and the field. */
export class GoldenHistoryError extends Error {
  override readonly name = 'GoldenHistoryError';
}

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

export function readGoldenHistory(file: string): GoldenHistory {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GoldenHistoryError(`${file} is not a readable JSON file: ${(error as Error).message}`);
  }
  const parsed = goldenSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GoldenHistoryError(
      `${file} is not a golden history: at ${issue?.path.join('.') || 'the top'}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return parsed.data;
}

/** Golden history files under `dir` (recursively), in a stable order. */
export function goldenHistoryFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}

/** Where a branch's file goes: `<dir>/<name>/<branch>.json`. */
export function goldenHistoryPath(dir: string, golden: Pick<GoldenHistory, 'name' | 'branch'>): string {
  return path.join(dir, golden.name, `${golden.branch}.json`);
}

export function writeGoldenHistory(file: string, golden: GoldenHistory): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(goldenSchema.parse(golden), null, 2)}\n`);
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

function outputOf(status: z.infer<typeof statusSchema>): unknown {
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

export function describeRecordedWith(recordedWith: RecordedWith): string {
  const who = [recordedWith.app, recordedWith.version].filter(Boolean).join(' ');
  const what = [recordedWith.source, recordedWith.sha256 ? `sha256 ${recordedWith.sha256.slice(0, 12)}` : '']
    .filter(Boolean)
    .join(' ');
  const text = [who, what].filter(Boolean).join(', ');
  return text ? `recorded with ${text}` : 'recorded with an unnamed build';
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * The status API's answer for an instance with its full history (`showHistory`, `showHistoryOutput`,
 * `showInput`), fetched from a running host as a user would; null when the instance is unknown.
 */
export async function fetchStatusWithHistory(
  origin: string,
  instanceId: string,
  options: { key?: string } = {},
): Promise<z.infer<typeof statusSchema> | null> {
  const url = new URL(`/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}`, origin);
  url.search = 'showHistory=true&showHistoryOutput=true&showInput=true';
  const response = await fetch(url, options.key ? { headers: { 'x-functions-key': options.key } } : {});
  if (response.status === 404) return null;
  const body: unknown = await response.json();
  const parsed = statusSchema.safeParse(body);
  if (!parsed.success) {
    throw new GoldenHistoryError(
      `The status of '${instanceId}' from ${origin} (HTTP ${response.status}) has no history: ${JSON.stringify(body).slice(0, 200)}`,
    );
  }
  return parsed.data;
}
