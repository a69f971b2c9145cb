import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const devhostDir = path.join(repoRoot, 'devhost');

/** One file of `npm pack --json`. */
export interface PackedFile {
  path: string;
  size: number;
  mode: number;
}

export interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: PackedFile[];
}

/**
 * The environment for an npm or jest of its own: without the `npm_*` settings of an `npm test`
 * that may be running this (`npm_config_local_prefix` would point a nested npm at this
 * repository) and without jest's worker variables.
 */
export function standaloneEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'JEST_WORKER_ID' || key === 'NODE_ENV') continue;
    env[key] = value;
  }
  return env;
}

/**
 * Runs npm in `cwd` and returns its standard output. Under `npm test`, npm_execpath is the npm
 * running the tests: use that one (with this Node), else the npm on PATH.
 */
export async function npm(args: string[], cwd: string, timeoutMs = 120_000): Promise<string> {
  const npmCli = process.env.npm_execpath;
  const [command, commandArgs] =
    npmCli && /\.[cm]?js$/.test(npmCli) ? [process.execPath, [npmCli, ...args]] : ['npm', args];
  try {
    const { stdout } = await run(command, commandArgs, {
      cwd,
      env: standaloneEnv(),
      timeout: timeoutMs,
      maxBuffer: 32 * 1024 * 1024,
      shell: command === 'npm' && process.platform === 'win32',
    });
    return stdout;
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `npm ${args.join(' ')} failed in ${cwd}: ${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}`,
    );
  }
}

/**
 * `npm test` builds devhost first. A test does not build it itself: test files run in parallel,
 * and a build starts by deleting dist/ under the others' feet.
 */
export function assertDevhostBuilt(): void {
  if (!existsSync(path.join(devhostDir, 'dist', 'main.js'))) {
    throw new Error('devhost is not built: run `npm run build -w devhost` first (npm test does).');
  }
}

/**
 * `npm pack` of the devhost workspace package as it is built. `--ignore-scripts` skips the
 * `prepack` build (the caller made sure of one) and keeps npm's JSON alone on standard output.
 */
export async function packDevhost(options: { destination?: string } = {}): Promise<PackResult> {
  const args = ['pack', '--json', '--ignore-scripts'];
  if (options.destination) args.push('--pack-destination', options.destination);
  else args.push('--dry-run');
  const [result] = JSON.parse(await npm(args, devhostDir)) as PackResult[];
  if (!result) throw new Error('npm pack printed no result');
  return result;
}
