import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMemoryLogger } from '../../devhost/src/log/logger';
import { startDevhost, type Devhost, type DevhostOptions } from '../../devhost/src/startDevhost';

export const fixtures = path.resolve(__dirname, '../fixtures');

export interface FixtureDevhost {
  host: Devhost;
  logger: ReturnType<typeof createMemoryLogger>;
  close(): Promise<void>;
}

/** devhost on a free port with its state (keys) in a fresh temporary folder. */
export async function startFixtureDevhost(
  app: string,
  options: DevhostOptions = {},
): Promise<FixtureDevhost> {
  const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-state-'));
  const logger = createMemoryLogger();
  let host: Devhost;
  try {
    host = await startDevhost({
      appDir: path.isAbsolute(app) ? app : path.join(fixtures, app),
      port: 0,
      stateDir,
      logger,
      ...options,
    });
  } catch (err) {
    await fs.promises.rm(stateDir, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    logger,
    async close() {
      await host.stop();
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    },
  };
}
