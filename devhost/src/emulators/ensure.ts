/**
 * Makes one emulator available: reuse the one already serving its ports when a health check proves
 * it is the expected emulator, refuse clearly when something else holds a port, otherwise start it.
 */
import * as path from 'node:path';
import type { EmulatorName } from './defaults';
import { EmulatorError, EmulatorStartError, PortTakenError } from './errors';
import { spawnNode, stopPid, tail, waitUntilReady, type NodeCommand } from './processes';
import { describeOccupant, probePort, type PortOccupant } from './probe';
import { isAlive, readRunRecord, removeRunRecord, writeRunRecord } from './runState';

export interface ServicePort {
  service: string;
  port: number;
  /** How a user moves it, e.g. `--cosmos-port <n> or DEVHOST_COSMOS_PORT`. */
  howToMove: string;
}

export interface EmulatorSpec {
  name: EmulatorName;
  label: string;
  host: string;
  ports: ServicePort[];
  /** Whether this occupant of `port` is the emulator we want. */
  isExpected(occupant: PortOccupant, port: ServicePort): boolean;
  /** Why a running expected emulator must not be reused (e.g. it serves another app's data). */
  refuseReuse?(occupants: PortOccupant[]): string | undefined;
  /** Pid of a reused emulator when its health check reports it. */
  pidOf?(occupants: PortOccupant[]): number | undefined;
  command(): NodeCommand;
  dataDir: string | null;
  startTimeoutMs?: number;
}

export interface EnsureOptions {
  /** Working folder of the spawned process (the app). */
  cwd: string;
  /** Where run records and logs go. */
  stateDir: string;
  detached: boolean;
  log: (line: string) => void;
}

export interface EmulatorProcess {
  name: EmulatorName;
  /** Unknown when a foreign process (not started by devhost) is reused. */
  pid: number | undefined;
  /** True when this call started it; false when an already running one was reused. */
  started: boolean;
  logFile: string | undefined;
}

async function probeAll(spec: EmulatorSpec): Promise<PortOccupant[]> {
  return Promise.all(spec.ports.map((p) => probePort(spec.host, p.port)));
}

function allExpected(spec: EmulatorSpec, occupants: PortOccupant[]): boolean {
  return spec.ports.every((p, i) => {
    const occupant = occupants[i];
    return occupant !== undefined && spec.isExpected(occupant, p);
  });
}

export async function isServing(spec: EmulatorSpec): Promise<boolean> {
  return allExpected(spec, await probeAll(spec));
}

function conflict(spec: EmulatorSpec, occupants: PortOccupant[]): EmulatorError | undefined {
  for (const [i, p] of spec.ports.entries()) {
    const occupant = occupants[i] ?? { kind: 'free' };
    if (occupant.kind !== 'free' && !spec.isExpected(occupant, p)) {
      return new PortTakenError(
        `${spec.label} (${p.service})`,
        p.port,
        describeOccupant(occupant),
        p.howToMove,
      );
    }
  }
  const serving = spec.ports.filter((_p, i) => occupants[i]?.kind !== 'free');
  if (serving.length > 0 && serving.length < spec.ports.length) {
    const free = spec.ports.filter((_p, i) => occupants[i]?.kind === 'free');
    return new EmulatorError(
      `${spec.label} answers on port ${serving.map((p) => p.port).join(', ')} but not on ` +
        `${free.map((p) => p.port).join(', ')}: another ${spec.label} with different ports is running. Stop it, ` +
        `or choose other ports with ${spec.ports.map((p) => p.howToMove).join('; ')}.`,
    );
  }
  return undefined;
}

export async function ensureEmulator(spec: EmulatorSpec, options: EnsureOptions): Promise<EmulatorProcess> {
  const occupants = await probeAll(spec);
  const record = readRunRecord(options.stateDir, spec.name);
  if (allExpected(spec, occupants)) {
    const refusal = spec.refuseReuse?.(occupants);
    if (refusal) throw new EmulatorError(refusal);
    const recorded =
      record && spec.ports.every((p) => record.ports[p.service] === p.port) && isAlive(record.pid)
        ? record
        : undefined;
    if (recorded && recorded.dataDir !== spec.dataDir) {
      throw new EmulatorError(
        `${spec.label} on ${spec.ports.map((p) => p.port).join(', ')} was started with data ` +
          `${recorded.dataDir ?? 'in memory'}, not ${spec.dataDir ?? 'in memory'}. Stop it first ` +
          '(`npm run emulators:stop`), then start again.',
      );
    }
    const pid = spec.pidOf?.(occupants) ?? recorded?.pid;
    options.log(
      `${spec.label}: reusing the one already running on ${spec.ports.map((p) => p.port).join(', ')}` +
        (pid ? ` (pid ${pid}${recorded ? ', started by devhost' : ''})` : ' (not started by devhost)'),
    );
    return { name: spec.name, pid, started: false, logFile: recorded?.logFile };
  }
  const problem = conflict(spec, occupants);
  if (problem) throw problem;

  const command = spec.command();
  const logFile = path.join(options.stateDir, 'logs', `${spec.name}.log`);
  const child = spawnNode({ command, logFile, cwd: options.cwd, detached: options.detached });
  const pid = child.pid;
  if (pid === undefined)
    throw new EmulatorStartError(spec.label, 'the process could not be spawned', logFile);
  const outcome = await waitUntilReady(child, () => isServing(spec), spec.startTimeoutMs ?? 30_000);
  if (outcome !== 'ready') {
    if (outcome === 'timeout') await stopPid(pid, 2000);
    const why = outcome === 'exited' ? 'it exited during start-up' : 'it did not answer in time';
    const last = tail(logFile);
    throw new EmulatorStartError(spec.label, `${why}${last ? `; its last output:\n${last}` : ''}`, logFile);
  }
  writeRunRecord(options.stateDir, {
    emulator: spec.name,
    pid,
    host: spec.host,
    ports: Object.fromEntries(spec.ports.map((p) => [p.service, p.port])),
    dataDir: spec.dataDir,
    logFile,
    startedAt: new Date().toISOString(),
  });
  options.log(
    `${spec.label}: started (pid ${pid}) on ${spec.ports.map((p) => `${p.service} ${p.port}`).join(', ')}; ` +
      `data ${spec.dataDir ?? 'in memory'}; log ${logFile}`,
  );
  return { name: spec.name, pid, started: true, logFile };
}

/**
 * Stops the emulator that devhost recorded as started in this state folder, after checking that the
 * recorded pid still serves the recorded ports (a stale record must never make us kill a stranger).
 */
export async function stopRecorded(
  stateDir: string,
  name: EmulatorName,
  verify: (host: string, ports: Record<string, number>, pid: number) => Promise<boolean>,
): Promise<string> {
  const record = readRunRecord(stateDir, name);
  if (!record) return `${name}: not started by devhost here (${stateDir})`;
  if (!isAlive(record.pid)) {
    removeRunRecord(stateDir, name);
    return `${name}: was not running (cleared its record)`;
  }
  if (!(await verify(record.host, record.ports, record.pid))) {
    removeRunRecord(stateDir, name);
    return `${name}: pid ${record.pid} no longer serves its ports; left it alone and cleared the stale record`;
  }
  // The record goes first: a devhost supervising this emulator takes a process that dies with
  // no record for a deliberate stop, and does not start it again.
  removeRunRecord(stateDir, name);
  const result = await stopPid(record.pid);
  return `${name}: ${result} (pid ${record.pid})`;
}
