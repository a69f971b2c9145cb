/** devhost (the built CLI) as a child process on the azure store, for the crash-recovery tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CLI = path.resolve(__dirname, '../../devhost/dist/main.js');
export const CRASH_APP = path.resolve(__dirname, '../fixtures/crash-app');

export interface DevhostChildOptions {
  /** Default: any free port. */
  port?: number;
  /** More `devhost start` flags (e.g. `--shutdown-timeout 1`). */
  args?: string[];
}

export interface DevhostChild {
  origin: string;
  /** Resolves with the signal or code the process ended with. */
  exited: Promise<string>;
  stop(): Promise<void>;
  output(): string;
}

/** `appDir` defaults to the small crash fixture; the app's own checks pass the repository root. */
export async function startDevhostChild(
  env: Record<string, string>,
  appDir: string = CRASH_APP,
  options: DevhostChildOptions = {},
): Promise<DevhostChild> {
  const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-crash-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
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
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? String(code))),
  );
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devhost did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) {
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
  return {
    origin,
    exited,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    },
  };
}
