import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RunningDevhost {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts devhost's CLI in its own process (as a user would) on a free port with JSON logs, and
 * resolves with its public URL once the start-up banner says where it listens. `cliPath` is
 * devhost's `main.js`, run with this Node, or an installed bin (`node_modules/.bin/devhost`), run
 * as `npx devhost` runs it: through its shebang.
 */
export function startDevhostProcess(
  cliPath: string,
  appDir: string,
  settings: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<RunningDevhost> {
  const args = ['start', '--app-dir', appDir, '--port', '0', '--log', 'json'];
  const [command, commandArgs] = cliPath.endsWith('.js')
    ? [process.execPath, [cliPath, ...args]]
    : [cliPath, args];
  const child = spawn(command, commandArgs, {
    cwd: appDir,
    // App settings through the environment, as App Service passes them; they win over local.settings.json.
    env: { ...process.env, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`devhost did not start within ${timeoutMs} ms:\n${output.join('\n')}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`devhost exited with ${String(code)} before listening:\n${output.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const url = bannerUrl(line);
      if (url) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ url, stop: () => stopProcess(child) });
      }
    });
  });
}

function bannerUrl(line: string): string | undefined {
  try {
    const record = JSON.parse(line) as { url?: unknown };
    return typeof record.url === 'string' ? record.url : undefined;
  } catch {
    return undefined;
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
