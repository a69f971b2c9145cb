/**
 * What devhost started, recorded under `<state-dir>/run/<emulator>.json` (the state folder is
 * `<app-dir>/.devhost` unless devhost is told otherwise), so that a later
 * devhost (after a crash, or `devhost emulators stop`) can find and stop exactly those processes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATE_DIR, type EmulatorName } from './defaults';

export interface RunRecord {
  emulator: EmulatorName;
  pid: number;
  host: string;
  ports: Record<string, number>;
  /** Where its data lives; null when it runs in memory. */
  dataDir: string | null;
  logFile: string;
  startedAt: string;
}

export function defaultStateDir(appDir: string): string {
  return path.join(path.resolve(appDir), STATE_DIR);
}

function recordPath(stateDir: string, name: EmulatorName): string {
  return path.join(stateDir, 'run', `${name}.json`);
}

export function readRunRecord(stateDir: string, name: EmulatorName): RunRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordPath(stateDir, name), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

export function writeRunRecord(stateDir: string, record: RunRecord): void {
  const file = recordPath(stateDir, record.emulator);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function removeRunRecord(stateDir: string, name: EmulatorName): void {
  fs.rmSync(recordPath(stateDir, name), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
