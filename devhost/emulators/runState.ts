/**
 * What devhost started, recorded under `<app-dir>/.devhost/run/<emulator>.json`, so that a later
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

export function stateDir(appDir: string): string {
  return path.join(path.resolve(appDir), STATE_DIR);
}

function recordPath(appDir: string, name: EmulatorName): string {
  return path.join(stateDir(appDir), 'run', `${name}.json`);
}

export function readRunRecord(appDir: string, name: EmulatorName): RunRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordPath(appDir, name), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

export function writeRunRecord(appDir: string, record: RunRecord): void {
  const file = recordPath(appDir, record.emulator);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function removeRunRecord(appDir: string, name: EmulatorName): void {
  fs.rmSync(recordPath(appDir, name), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
