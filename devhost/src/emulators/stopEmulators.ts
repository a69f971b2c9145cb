/** `devhost emulators stop|status`: act on what devhost recorded as started for an app directory. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMULATOR_NAMES, type EmulatorName } from './defaults';
import { stopRecorded } from './ensure';
import { probePort } from './probe';
import { defaultStateDir, isAlive, readRunRecord } from './runState';

async function verify(
  name: EmulatorName,
  host: string,
  ports: Record<string, number>,
  pid: number,
): Promise<boolean> {
  const occupants = await Promise.all(Object.values(ports).map((port) => probePort(host, port)));
  if (name === 'cosmos') return occupants.every((o) => o.kind === 'devhost-cosmos' && o.identity.pid === pid);
  if (!occupants.every((o) => o.kind === 'azurite')) return false;
  // Where /proc exists, also make sure the pid is that Azurite and not a reused pid.
  try {
    return fs.readFileSync(path.join('/proc', String(pid), 'cmdline'), 'utf8').includes('azurite');
  } catch {
    return true;
  }
}

/**
 * Stops the emulators devhost started for `appDir` (recorded in its state folder, default
 * `<appDir>/.devhost`); returns one line per emulator.
 */
export async function stopEmulators(
  appDir: string,
  options: { stateDir?: string; names?: readonly EmulatorName[] } = {},
): Promise<string[]> {
  const dir = path.resolve(options.stateDir ?? defaultStateDir(appDir));
  const names = options.names ?? EMULATOR_NAMES;
  return Promise.all(
    names.map((name) => stopRecorded(dir, name, (host, ports, pid) => verify(name, host, ports, pid))),
  );
}

export interface EmulatorStatus {
  emulator: EmulatorName;
  running: boolean;
  pid?: number;
  ports?: Record<string, number>;
  dataDir?: string | null;
  logFile?: string;
}

export function emulatorStatus(appDir: string, stateDir?: string): EmulatorStatus[] {
  const dir = path.resolve(stateDir ?? defaultStateDir(appDir));
  return EMULATOR_NAMES.map((emulator) => {
    const record = readRunRecord(dir, emulator);
    if (!record) return { emulator, running: false };
    return {
      emulator,
      running: isAlive(record.pid),
      pid: record.pid,
      ports: record.ports,
      dataDir: record.dataDir,
      logFile: record.logFile,
    };
  });
}
