/**
 * A throw-away copy of the built app (package.json, host.json, local.settings.json, dist/src, the
 * repository's node_modules linked), for tests that change compiled code the way a developer changes
 * the sources, without touching the real build.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoDir = path.resolve(__dirname, '../..');

export interface AppCopy {
  dir: string;
  /** Rewrites one compiled file of the copy; `find` must occur in it. */
  edit(relativeFile: string, change: (source: string) => string): void;
  remove(): Promise<void>;
}

export async function copyBuiltApp(prefix: string): Promise<AppCopy> {
  if (!fs.existsSync(path.join(repoDir, 'dist/src/functions/startOrder.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
  for (const file of ['package.json', 'host.json', 'local.settings.json']) {
    await fs.promises.copyFile(path.join(repoDir, file), path.join(dir, file));
  }
  await fs.promises.cp(path.join(repoDir, 'dist/src'), path.join(dir, 'dist/src'), { recursive: true });
  await fs.promises.symlink(path.join(repoDir, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return {
    dir,
    edit(relativeFile, change) {
      const file = path.join(dir, relativeFile);
      const before = fs.readFileSync(file, 'utf8');
      const after = change(before);
      if (after === before) throw new Error(`The edit changed nothing in ${relativeFile}.`);
      fs.writeFileSync(file, after);
    },
    remove: () => fs.promises.rm(dir, { recursive: true, force: true }),
  };
}

/** Swaps two snippets of a source text; both must occur exactly once. */
export function swap(source: string, a: string, b: string): string {
  for (const snippet of [a, b]) {
    if (source.split(snippet).length !== 2) throw new Error(`'${snippet}' must occur exactly once.`);
  }
  const marker = '\u0000swap\u0000';
  return source.replace(a, marker).replace(b, a).replace(marker, b);
}
