import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HistoryEvent } from '../../../devhost/src/protocol/history';
import {
  checkDeterminism,
  describeReport,
  loadReplayer,
  NonDeterministicOrchestratorError,
  replayHistory,
  ReplayInputError,
} from '../../../devhost/src/testing/replay';
import { runReplayCommand } from '../../../devhost/src/testing/replayCli';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';
import { durableAppDir, startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

const repo = path.resolve(__dirname, '../../..');

/** The fixture app with one change: `Sequence` now calls `Echo` where it called `Hello`. */
async function changedAppCopy(): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-replay-'));
  await fs.promises.symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const file of ['package.json', 'host.json']) {
    await fs.promises.copyFile(path.join(durableAppDir, file), path.join(dir, file));
  }
  const source = await fs.promises.readFile(path.join(durableAppDir, 'index.js'), 'utf8');
  const original = "out.push(yield context.df.callActivity('Hello', name));";
  expect(source).toContain(original);
  const changed = source.replace(original, "out.push(yield context.df.callActivity('Echo', name));");
  await fs.promises.writeFile(path.join(dir, 'index.js'), changed);
  return dir;
}

describe('history replay and the determinism check', () => {
  let history: HistoryEvent[];
  let statusResponse: unknown;
  let changedApp: string;

  beforeAll(async () => {
    const host = await startFixtureHost();
    try {
      const id = await host.start('Sequence', { instanceId: uniqueId('replay'), input: ['A', 'B'] });
      await host.waitForStatus(id, 'Completed');
      // Saved as a user would save it: through JSON.
      history = JSON.parse(JSON.stringify(await host.history(id))) as HistoryEvent[];
      statusResponse = JSON.parse(
        JSON.stringify(
          await host.client.getStatus(id, { showHistory: true, showHistoryOutput: true, showInput: true }),
        ),
      );
    } finally {
      await host.stop();
    }
    changedApp = await changedAppCopy();
  });

  afterAll(async () => {
    if (changedApp) await fs.promises.rm(changedApp, { recursive: true, force: true });
  });

  it('replays a recorded history against the same app to the recorded outcome', async () => {
    const report = await checkDeterminism({ appDir: durableAppDir, history });
    expect(report).toMatchObject({
      deterministic: true,
      orchestratorName: 'Sequence',
      runtimeStatus: 'Completed',
      output: ['Hello A!', 'Hello B!'],
      recorded: { runtimeStatus: 'Completed', output: ['Hello A!', 'Hello B!'] },
      newWork: [],
    });
    expect(describeReport(report)).toMatch(/^Deterministic: 'Sequence' .* replays to Completed\.$/);
  });

  it('reports an orchestrator that now calls another activity, with what the history expected and what it found', async () => {
    const report = await replayHistory({ appDir: changedApp, orchestratorName: 'Sequence', history });
    expect(report.deterministic).toBe(false);
    expect(report.runtimeStatus).toBe('Failed');
    expect(report.nonDeterminism).toMatchObject({
      sequenceId: 0,
      expected: "activity 'Hello'",
      found: "activity 'Echo'",
    });
    expect(report.nonDeterminism?.message).toContain('Non-Deterministic workflow detected');
    await expect(checkDeterminism({ appDir: changedApp, history })).rejects.toThrow(
      new NonDeterministicOrchestratorError(report).message,
    );
    expect(describeReport(report)).toContain(
      "At sequence id 0 the history has activity 'Hello', but the code now schedules activity 'Echo'.",
    );
  });

  it('reads a history saved from the status API as well, and says what a broken one lacks', async () => {
    const statusHistory = [{ EventType: 'ExecutionStarted', Timestamp: '2030-01-01T00:00:00.000Z' }];
    await expect(replayHistory({ appDir: durableAppDir, history: statusHistory })).rejects.toThrow(
      new ReplayInputError('The ExecutionStarted event has no FunctionName (the orchestrator).'),
    );
    const report = await replayHistory({ appDir: durableAppDir, history: statusResponse });
    expect(report).toMatchObject({
      deterministic: true,
      runtimeStatus: 'Completed',
      output: ['Hello A!', 'Hello B!'],
    });
  });

  it("puts the app's local settings into the environment while it replays, and takes them out again", async () => {
    const setting = `REPLAY_PROBE_${process.pid}`;
    await fs.promises.writeFile(
      path.join(changedApp, 'local.settings.json'),
      JSON.stringify({ Values: { [setting]: 'from local.settings.json' } }),
    );
    try {
      const replayer = await loadReplayer({ appDir: changedApp });
      expect(nativeProcess().env[setting]).toBe('from local.settings.json');
      await replayer.close();
      expect(nativeProcess().env[setting]).toBeUndefined();
      await replayHistory({ appDir: changedApp, orchestratorName: 'Sequence', history });
      expect(nativeProcess().env[setting]).toBeUndefined();
    } finally {
      await fs.promises.rm(path.join(changedApp, 'local.settings.json'), { force: true });
    }
  });

  it('names the orchestrators the app has when the one asked for is missing', async () => {
    await expect(
      replayHistory({ appDir: durableAppDir, orchestratorName: 'NoSuchThing', history }),
    ).rejects.toThrow(/no orchestrator named 'NoSuchThing' \(its orchestrators: .*Sequence/);
  });

  it('runs from the command line: exit 0 when the code replays the history, 1 when not, 2 when misused', async () => {
    const file = path.join(changedApp, 'history.json');
    await fs.promises.writeFile(file, JSON.stringify(history));
    const run = async (argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const io = {
        out: { write: (text: string) => out.push(text) },
        err: { write: (text: string) => err.push(text) },
        logger: createMemoryLogger(),
      };
      return { code: await runReplayCommand(argv, io), out: out.join(''), err: err.join('') };
    };
    const same = await run(['--app-dir', durableAppDir, '--history', file]);
    expect(same).toMatchObject({ code: 0, out: expect.stringMatching(/^Deterministic/) as unknown });
    const changed = await run(['--app-dir', changedApp, '--orchestrator', 'Sequence', '--history', file]);
    expect(changed.code).toBe(1);
    expect(changed.out).toContain(
      "the history has activity 'Hello', but the code now schedules activity 'Echo'",
    );
    const statusFile = path.join(changedApp, 'status.json');
    await fs.promises.writeFile(statusFile, JSON.stringify(statusResponse));
    const fromStatus = await run([
      '--app-dir',
      changedApp,
      '--orchestrator',
      'Sequence',
      '--history',
      statusFile,
    ]);
    expect(fromStatus.code).toBe(1);
    const brokenFile = path.join(changedApp, 'broken.json');
    await fs.promises.writeFile(brokenFile, JSON.stringify([{ EventType: 'ExecutionStarted' }]));
    const wrongHistory = await run(['--app-dir', durableAppDir, '--history', brokenFile]);
    expect(wrongHistory).toMatchObject({
      code: 2,
      err: expect.stringContaining('historyEvents[0] (ExecutionStarted) has no Timestamp') as unknown,
    });
    const misused = await run(['--app-dir', durableAppDir]);
    expect(misused).toMatchObject({
      code: 2,
      err: expect.stringContaining('--history <file.json> is required') as unknown,
    });
  });
});
