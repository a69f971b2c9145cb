/** Spawning emulator processes that outlive devhost, waiting for them, and stopping them by pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from './runState';

export interface NodeCommand {
  /** Node options such as `-r hook.js`. */
  execArgv: string[];
  entry: string;
  args: string[];
}

export interface SpawnOptions {
  command: NodeCommand;
  logFile: string;
  cwd: string;
  /**
   * Detached: own process group, so Ctrl+C in devhost's terminal and a kill of devhost leave it running.
   * Not detached (tests): it also exits once its parent is gone.
   */
  detached: boolean;
}

/**
 * Source for `node -e` that makes a child exit once `parentPid` is no longer its parent (the
 * parent died and the child was handed to init), checked at once and every 500 ms. The pid comes
 * from the parent rather than from the child's first look at `process.ppid`: a parent that dies
 * while the child starts would otherwise leave it running for good.
 */
export function exitWithParent(parentPid: number = process.pid): string {
  return (
    `const p=${String(parentPid)};const gone=()=>process.ppid!==p;` +
    'if(gone())process.exit(0);setInterval(()=>{if(gone())process.exit(0)},500).unref();'
  );
}

/** `node -e` source that exits with its parent (above), then runs the script named after `--`. */
export function exitWithParentThenRun(parentPid: number = process.pid): string {
  return exitWithParent(parentPid) + 'process.argv.splice(1,1);require(process.argv[1]);';
}

export function spawnNode(options: SpawnOptions): ChildProcess {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = fs.openSync(options.logFile, 'a');
  const { execArgv, entry, args } = options.command;
  const argv = options.detached
    ? [...execArgv, entry, ...args]
    : // Tests start children that must not outlive the jest worker.
      [...execArgv, '-e', exitWithParentThenRun(), '--', '-', entry, ...args];
  try {
    const child = spawn(process.execPath, argv, {
      cwd: options.cwd,
      detached: options.detached,
      stdio: ['ignore', out, out],
      env: process.env,
      windowsHide: true,
    });
    child.unref();
    return child;
  } finally {
    fs.closeSync(out);
  }
}

export function tail(file: string, bytes = 1500): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes).trim();
  } catch {
    return '';
  }
}

/** Polls `ready` until it is true; fails early when the child exits first. */
export async function waitUntilReady(
  child: ChildProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<'ready' | 'exited' | 'timeout'> {
  let exited = child.exitCode !== null;
  const onExit = (): void => {
    exited = true;
  };
  child.once('exit', onExit);
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await ready()) return 'ready';
      if (exited) return 'exited';
      await delay(40);
    }
    return 'timeout';
  } finally {
    child.off('exit', onExit);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone. */
export async function stopPid(pid: number, graceMs = 8000): Promise<'stopped' | 'killed' | 'not running'> {
  if (!isAlive(pid)) return 'not running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not running';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await delay(40);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  while (isAlive(pid)) await delay(20);
  return 'killed';
}
