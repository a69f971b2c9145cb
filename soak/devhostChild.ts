/**
 * devhost (the built CLI) as a child process on the azure store, as a user runs `npx devhost start`:
 * for the crash-recovery tests and the soak, which kill it (SIGKILL) or stop it (SIGTERM) and start
 * it again on the same task hub.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { devhostCli } from './paths';

export interface DevhostChildOptions {
  /** Default: any free port. */
  port?: number;
  /** More `devhost start` flags (e.g. `--shutdown-timeout 1`). */
  args?: string[];
  /** How much of the output to keep (its tail), default 4 MB: a soak logs every invocation. */
  keepOutputChars?: number;
  /** Sees every line of output (stdout and stderr), e.g. to count failed invocations. */
  onLine?: (line: string) => void;
}

export interface DevhostChild {
  origin: string;
  pid: number;
  /** Resolves with the signal or code the process ended with. */
  exited: Promise<string>;
  /** Sends a signal (SIGKILL: a crash) without waiting. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the exit and removes the state folder. */
  stop(): Promise<void>;
  output(): string;
}

export async function startDevhostChild(
  env: Record<string, string>,
  appDir: string,
  options: DevhostChildOptions = {},
): Promise<DevhostChild> {
  const keep = options.keepOutputChars ?? 4 * 1024 * 1024;
  const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-child-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      devhostCli(),
      'start',
      '--app-dir',
      appDir,
      '--port',
      String(options.port ?? 0),
      '--storage',
      'azure',
      ...(options.args ?? []),
    ],
    {
      env: { ...process.env, DEVHOST_STATE_DIR: stateDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const partial = { stdout: '', stderr: '' };
  const lines = (stream: keyof typeof partial, chunk: string): void => {
    if (!options.onLine) return;
    const text = partial[stream] + chunk;
    const parts = text.split('\n');
    partial[stream] = parts.pop() ?? '';
    for (const line of parts) options.onLine(line);
  };
  child.stdout?.on('data', (chunk: Buffer) => lines('stdout', chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => lines('stderr', chunk.toString()));
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? String(code))),
  );
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devhost did not start:\n${output}`)), 60_000);
    let listening = false;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > keep) output = output.slice(-keep);
      const match = listening ? null : /Listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) {
        listening = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`devhost exited (${how}) before listening:\n${output}`));
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    origin,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    kill: (signal) => {
      if (running()) child.kill(signal);
    },
    stop: async () => {
      if (running()) child.kill('SIGTERM');
      await exited;
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    },
  };
}
