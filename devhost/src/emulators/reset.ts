/**
 * `npm run reset`: wipes an app's local data (`.devhost/`). The emulators devhost started for the app
 * are stopped first: a running Azurite would write its in-memory metadata back, and a running Cosmos
 * server would keep serving the old data.
 */
import * as fs from 'node:fs';
import { defaultStateDir } from './runState';
import { stopEmulators } from './stopEmulators';

export async function resetLocalData(appDir: string, log: (line: string) => void): Promise<void> {
  for (const line of await stopEmulators(appDir)) log(line);
  const dir = defaultStateDir(appDir);
  fs.rmSync(dir, { recursive: true, force: true });
  log(`removed ${dir}`);
}
