/**
 * `npm run record-histories [-- --force] [-- --only <name>[/<branch>]]`: records the golden histories
 * under test/fixtures/histories from real runs of the built app (devhost on a virtual clock, its
 * real activities against an in-process Cosmos server; see recordHistoriesBranches.ts), one file
 * per branch, in the status API's historyEvents format, with the build that made them.
 *
 * A history the current build no longer replays is kept, not overwritten: in-flight instances like
 * it would fail after a deploy, so replacing it would hide exactly what the golden test is for.
 * `--force` overwrites it anyway (after a deliberate, versioned change). Exit code 1 when a branch
 * could not be recorded or a history was kept.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CosmosClient } from '@azure/cosmos';
import {
  fetchStatusWithHistory,
  goldenHistoryFiles,
  goldenHistoryPath,
  openGoldenChecker,
  readGoldenHistory,
  saveGoldenHistory,
  startTestHost,
  stopTestEmulators,
  testCosmos,
  type GoldenHistory,
  type RecordedWith,
  type TestHost,
} from 'devhost/testing';
import { containersOf } from '../src/data/dataStore';
import { repositoriesFor } from '../src/data/repositories';
import { seedDatabase } from '../src/data/seed';
import {
  BRANCHES,
  ENTITY_KEY,
  ENTITY_READS,
  type BranchContext,
  type EntityRecording,
  type Recording,
} from './recordHistoriesBranches';

export const HISTORIES_DIR = path.join('test', 'fixtures', 'histories');

const usage = `Usage: npm run record-histories [-- --force] [-- --only <name>[/<branch>]]

Records the golden histories in ${HISTORIES_DIR} from real runs of the built app.
  --force         also overwrite histories the current build no longer replays
  --only <id>     only the branches whose id starts with this (e.g. processOrder, approvalWorkflow/approved)`;

const TERMINAL = ['Completed', 'Failed', 'Terminated', 'Canceled'] as const;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { force: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const appDir = path.resolve(__dirname, '../..');
  if (!fs.existsSync(path.join(appDir, 'dist/src/functions/startOrder.js'))) {
    console.error('The app is not built: run `npm run build` first (npm run record-histories does).');
    return 2;
  }
  const dir = path.join(appDir, HISTORIES_DIR);
  const wanted = (id: string) => !values.only || id.startsWith(values.only);
  const branches = BRANCHES.filter((b) => wanted(b.id));

  const checker = await openGoldenChecker({ appDir });
  let problems: string[] = [];
  try {
    problems = await record(appDir, branches, wanted, dir, async (golden) => {
      const file = goldenHistoryPath(dir, golden);
      const outcome = await saveGoldenHistory(checker, golden, file, { force: values.force === true });
      if (outcome.saved) console.log(outcome.message);
      return outcome.saved ? undefined : outcome.message;
    });
  } finally {
    await checker.close();
  }
  for (const problem of problems) console.error(`record-histories: ${problem}`);
  return problems.length > 0 ? 1 : 0;
}

/** Runs the branches on one host; returns what could not be recorded, and why. */
async function record(
  appDir: string,
  branches: typeof BRANCHES,
  wanted: (id: string) => boolean,
  dir: string,
  keep: (golden: GoldenHistory) => Promise<string | undefined>,
): Promise<string[]> {
  const cosmos = await testCosmos();
  const client = new CosmosClient(cosmos.clientOptions);
  const database = 'golden-histories';
  await seedDatabase(client, database);
  const repos = repositoriesFor(containersOf(client.database(database)));
  // The app reads these at load; local.settings.json fills in the rest, as under devhost start.
  Object.assign(process.env, {
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: database,
    PAYMENT_GATEWAY_LATENCY_MS: '0',
    DOWNSTREAM_FAILURE_RATE: '0',
  });
  // One activity and one orchestration at a time: tasks complete in the order they were scheduled,
  // which is the order the status API format can keep (statusHistory.ts).
  const host = await startTestHost({
    appDir,
    clock: 'virtual',
    settings: { maxConcurrentActivityFunctions: 1, maxConcurrentOrchestratorFunctions: 1 },
    // Days of virtual time would run the hourly sweep against this script's database.
    appSettings: { 'AzureWebJobs.ReconcileOrders.Disabled': 'true' },
  });
  const failures: string[] = [];
  try {
    for (const branch of branches) {
      const undo: (() => void)[] = [];
      const context = branchContext(host, repos, undo);
      try {
        const { recordings, problem } = await branch.run(context);
        if (problem) {
          failures.push(`${branch.id} did not end as this branch must: ${problem}. Nothing recorded for it.`);
          continue;
        }
        for (const recording of recordings) {
          const problem = await keep(await golden(appDir, host, recording));
          if (problem) failures.push(problem);
        }
      } catch (error) {
        failures.push(`${branch.id}: ${(error as Error).message}`);
      } finally {
        for (const restore of undo) restore();
      }
    }
    const entities = host.devhost.app
      .functions()
      .filter((fn) => fn.trigger.type === 'entityTrigger')
      .map((fn) => fn.name);
    for (const recording of entityRecordings(dir, entities).filter((r) => wanted(`${r.name}/${r.branch}`))) {
      try {
        const problem = await keep(await golden(appDir, host, recording));
        if (problem) failures.push(problem);
      } catch (error) {
        failures.push(`${recording.name}/${recording.branch}: ${(error as Error).message}`);
      }
    }
  } finally {
    await host.stop();
    client.dispose();
    await stopTestEmulators();
  }
  return failures;
}

/**
 * One recording per operation the recorded workflows send to an entity (in the order they first
 * send it, with the input they send), then the reads their users make, all on one fresh entity.
 * Taken from the histories on disk, so they follow the workflows when those change.
 */
function entityRecordings(dir: string, entities: readonly string[]): EntityRecording[] {
  const sent = new Map<string, Map<string, { input?: unknown; from: string }>>();
  for (const file of goldenHistoryFiles(dir)) {
    const golden = readGoldenHistory(file);
    if (golden.kind !== 'orchestration') continue;
    for (const row of golden.status.historyEvents as Record<string, unknown>[]) {
      const target = typeof row.InstanceId === 'string' ? /^@([^@]+)@/.exec(row.InstanceId)?.[1] : undefined;
      const entity = entities.find((name) => name.toLowerCase() === target);
      if (row.EventType !== 'EventSent' || !entity || typeof row.Input !== 'string') continue;
      const request = JSON.parse(row.Input) as { op?: unknown; input?: unknown };
      if (typeof request.op !== 'string') continue;
      const operations = sent.get(entity) ?? new Map<string, { input?: unknown; from: string }>();
      sent.set(entity, operations);
      if (operations.has(request.op)) continue;
      operations.set(request.op, {
        ...(typeof request.input === 'string' ? { input: JSON.parse(request.input) as unknown } : {}),
        from: `${golden.name} (${golden.branch})`,
      });
    }
  }
  return entities.flatMap((entity) => [
    ...[...(sent.get(entity) ?? new Map<string, { input?: unknown; from: string }>())].map(([name, op]) => ({
      kind: 'entity' as const,
      name: entity,
      branch: name,
      description: `'${name}' as ${op.from} sends it.`,
      instanceId: `@${entity.toLowerCase()}@${ENTITY_KEY}`,
      operation: { name, ...('input' in op ? { input: op.input } : {}), signal: true },
    })),
    ...(ENTITY_READS[entity] ?? []).map((op) => ({
      kind: 'entity' as const,
      name: entity,
      branch: op.name,
      description: `'${op.name}', a read the app's users make.`,
      instanceId: `@${entity.toLowerCase()}@${ENTITY_KEY}`,
      operation: { ...op, signal: true },
    })),
  ]);
}

function branchContext(host: TestHost, repos: BranchContext['repos'], undo: (() => void)[]): BranchContext {
  return {
    host,
    repos,
    async http(method, route, body) {
      const response = await fetch(`${host.baseUrl}${route}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    async settle(instanceId, advance) {
      await host.runUntilIdle();
      const now = await host.client.getStatus(instanceId);
      if (advance && !TERMINAL.some((s) => s === now?.runtimeStatus)) await host.clock.advance(advance);
      const done = await host.waitForStatus(instanceId, TERMINAL);
      return { runtimeStatus: done.runtimeStatus, output: done.output };
    },
    fake(activity, handler) {
      undo.push(host.overrideActivity(activity, handler));
    },
  };
}

async function golden(appDir: string, host: TestHost, recording: Recording): Promise<GoldenHistory> {
  const common = {
    name: recording.name,
    branch: recording.branch,
    description: recording.description,
    recordedWith: recordedWith(appDir, recording),
  };
  if (recording.kind === 'orchestration') {
    const status = await fetchStatusWithHistory(host.baseUrl, recording.instanceId);
    if (!status) throw new Error(`No instance '${recording.instanceId}' to record.`);
    return { kind: 'orchestration', ...common, status };
  }
  const [, name = '', key = ''] = /^@([^@]+)@(.*)$/.exec(recording.instanceId) ?? [];
  const read = async () => {
    const { exists, state } = await host.client.readEntityState(name, key);
    return { exists, state: state === null ? null : (JSON.parse(state) as unknown) };
  };
  const before = await read();
  const { input } = recording.operation;
  await host.client.signalEntity(
    name,
    key,
    recording.operation.name,
    input === undefined ? null : JSON.stringify(input),
  );
  await host.runUntilIdle();
  const after = await read();
  return {
    kind: 'entity',
    ...common,
    instanceId: recording.instanceId,
    before,
    operation: recording.operation,
    after,
  };
}

/** The build that made a recording: the app's version and a hash of the function's compiled file. */
function recordedWith(appDir: string, recording: Recording): RecordedWith {
  const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const folder = recording.kind === 'entity' ? 'entities' : 'orchestrators';
  const source = path.posix.join('dist', 'src', folder, `${recording.name}.js`);
  const file = path.join(appDir, source);
  const sha256 = fs.existsSync(file)
    ? createHash('sha256').update(fs.readFileSync(file)).digest('hex')
    : undefined;
  return { app: pkg.name, version: pkg.version, source, ...(sha256 ? { sha256 } : {}) };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        `record-histories failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exit(1);
    },
  );
}
