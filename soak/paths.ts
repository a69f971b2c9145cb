import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (the function app), from the sources (jest) or from `dist/soak` (npm run soak). */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'host.json')) && fs.existsSync(path.join(dir, 'devhost/package.json')))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`No repository root above ${__dirname}.`);
  }
}

/** devhost's built CLI, as `npx devhost` runs it. */
export function devhostCli(): string {
  return path.join(repoRoot(), 'devhost/dist/main.js');
}
