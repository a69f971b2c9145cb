import { promises as fs } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';

/** The entries of a zip, by name, with their bytes. */
export async function readZip(zipPath: string): Promise<Map<string, Uint8Array>> {
  return new Map(Object.entries(unzipSync(await fs.readFile(zipPath))));
}

/** Writes the entries of a zip under `targetDir`, refusing entries that would land outside it. */
export async function extractEntries(entries: Map<string, Uint8Array>, targetDir: string): Promise<void> {
  const root = path.resolve(targetDir);
  const made = new Set<string>();
  for (const [name, data] of entries) {
    const target = path.resolve(root, name);
    if (!target.startsWith(root + path.sep)) throw new Error(`zip entry escapes the target: ${name}`);
    if (name.endsWith('/')) continue;
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      made.add(dir);
    }
    await fs.writeFile(target, data);
  }
}
