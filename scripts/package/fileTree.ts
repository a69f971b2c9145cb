import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Every regular file under `dir`, as sorted forward-slash paths relative to `base`. Symbolic
 * links are skipped (in an installed node_modules they are only the `.bin` shims, which the host
 * never runs); so are `.bin` folders themselves.
 */
export async function listFiles(dir: string, base: string = dir): Promise<string[]> {
  const found: string[] = [];
  async function walk(current: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.bin') await walk(full);
      } else if (entry.isFile()) {
        found.push(path.relative(base, full).split(path.sep).join('/'));
      }
    }
  }
  await walk(dir);
  return found.sort();
}
