/**
 * `--watch`: when the app's files change, rebuild it (its `npm run build`, if it has one) and
 * reload it. Changes are debounced; a change during a build queues one more round.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log/logger';

export interface AppWatcherOptions {
  appDir: string;
  /** package.json `main`, whose static base (e.g. `dist`) is build output, not a source. */
  main: string;
  hasBuildScript: boolean;
  logger: Logger;
  reload(): Promise<void>;
  debounceMs?: number;
}

export interface AppWatcher {
  close(): void;
}

const alwaysIgnored = new Set(['node_modules', '.devhost', '.git', 'coverage']);

export function watchApp(options: AppWatcherOptions): AppWatcher {
  const mainParts = options.main.replace(/^\.\//, '').split(/[\\/]/);
  // The build writes under main's first folder (e.g. `dist`): watching it would rebuild forever.
  const outputRoot = options.hasBuildScript && mainParts.length > 1 ? mainParts[0] : undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let closed = false;

  const relevant = (file: string): boolean => {
    const top = file.split(/[\\/]/)[0] ?? '';
    return !alwaysIgnored.has(top) && top !== outputRoot;
  };

  const round = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (options.hasBuildScript) {
          options.logger.info('Change detected: running npm run build');
          const ok = await runBuild(options.appDir, options.logger);
          if (!ok) {
            options.logger.error('The build failed; the app keeps running the previous build.');
            continue;
          }
        }
        if (closed) return;
        await options.reload();
      } while (again && !closed);
    } catch (err) {
      options.logger.error(`Reloading the app failed: ${(err as Error).message}`, {
        stack: (err as Error).stack,
      });
    } finally {
      running = false;
    }
  };

  const tree = watchTree(
    options.appDir,
    (rel) => !relevant(rel),
    () => {
      if (closed) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void round(), options.debounceMs ?? 300);
    },
  );

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      tree.close();
    },
  };
}

/**
 * Watches every folder under `root` except skipped ones. Node's recursive watch would descend
 * into node_modules (thousands of watches) before any filter runs.
 */
function watchTree(
  root: string,
  skip: (relative: string) => boolean,
  onChange: () => void,
): { close(): void } {
  const watchers = new Map<string, fs.FSWatcher>();
  const addTree = (dir: string): void => {
    if (watchers.has(dir)) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, (event, name) => {
        if (!name) return;
        const full = path.join(dir, name.toString());
        if (skip(path.relative(root, full))) return;
        if (event === 'rename' && isDirectory(full)) addTree(full);
        onChange();
      });
    } catch {
      return;
    }
    watcher.on('error', () => {
      watcher.close();
      watchers.delete(dir);
    });
    watchers.set(dir, watcher);
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !skip(path.relative(root, full))) addTree(full);
    }
  };
  addTree(root);
  return {
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function runBuild(appDir: string, logger: Logger): Promise<boolean> {
  return new Promise((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['run', 'build', '--silent'], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => {
      logger.error(`Could not run npm run build: ${err.message}`);
      resolve(false);
    });
    child.on('close', (code) => {
      if (code !== 0 && output.trim()) logger.error(output.trim());
      resolve(code === 0);
    });
  });
}

export function hasBuildScript(appDir: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as {
      scripts?: Record<string, unknown>;
    };
    return typeof pkg.scripts?.build === 'string';
  } catch {
    return false;
  }
}
