import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

// A fixed timestamp makes the archive depend only on the files, so two builds of the same
// commit produce the same zip (and the same hash).
const fixedMtime = new Date('2000-01-01T00:00:00Z');
const regularFile = 0o100000;

/** Writes `files` (forward-slash paths relative to `sourceDir`) into a new zip at `zipPath`. */
export async function zipFiles(sourceDir: string, files: readonly string[], zipPath: string): Promise<void> {
  const zip = new ZipFile();
  for (const file of [...files].sort()) {
    const full = path.join(sourceDir, ...file.split('/'));
    const { mode } = await fs.stat(full);
    zip.addFile(full, file, { mtime: fixedMtime, mode: regularFile | (mode & 0o777) });
  }
  await fs.mkdir(path.dirname(zipPath), { recursive: true });
  const failed = new Promise<never>((_, reject) => zip.on('error', reject));
  zip.end();
  await Promise.race([pipeline(zip.outputStream, createWriteStream(zipPath)), failed]);
}
