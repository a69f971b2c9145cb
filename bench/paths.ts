import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root, from the sources (jest) or from `dist/bench` (npm run bench). */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'bench/app/host.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No repository root above ${__dirname}.`);
  }
}
