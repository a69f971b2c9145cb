import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runEmulatorsCommand } from '../../../devhost/src/emulators/cli';
import { readRunRecord, writeRunRecord, type RunRecord } from '../../../devhost/src/emulators/runState';

describe('devhost emulators stop/status with --state-dir', () => {
  let appDir: string;
  let stateDir: string;
  let printed: string[];
  let write: jest.SpyInstance;

  beforeEach(async () => {
    appDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-cli-app-'));
    stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-cli-state-'));
    printed = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
  });

  afterEach(async () => {
    write.mockRestore();
    await fs.promises.rm(appDir, { recursive: true, force: true });
    await fs.promises.rm(stateDir, { recursive: true, force: true });
  });

  function record(pid: number): RunRecord {
    return {
      emulator: 'azurite',
      pid,
      host: '127.0.0.1',
      ports: { blob: 1, queue: 2, table: 3 },
      dataDir: null,
      logFile: path.join(stateDir, 'logs', 'azurite.log'),
      startedAt: '2030-01-01T00:00:00.000Z',
    };
  }

  it('reports what devhost recorded in the state folder it was started with', async () => {
    // This test's own process stands in for a running emulator: status only reads the record.
    writeRunRecord(stateDir, record(process.pid));
    await runEmulatorsCommand(['status', '--app-dir', appDir, '--state-dir', stateDir]);
    expect(printed.join('')).toContain(`azurite: running, pid ${process.pid}`);
    printed = [];
    await runEmulatorsCommand(['status', '--app-dir', appDir]);
    expect(printed.join('')).toContain('azurite: not running');
  });

  it('stops (here: clears the record of) what is recorded in that state folder', async () => {
    // Above the largest pid Linux hands out (2^22), so no process has it.
    writeRunRecord(stateDir, record(2 ** 22 + 12_345));
    await runEmulatorsCommand(['stop', '--app-dir', appDir, '--state-dir', stateDir]);
    expect(printed.join('')).toContain('azurite: was not running (cleared its record)');
    expect(readRunRecord(stateDir, 'azurite')).toBeUndefined();
  });
});
