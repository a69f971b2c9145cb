import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { holdPort } from '../../../devhost/src/emulators/testing';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { startDevhost } from '../../../devhost/src/startDevhost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';
import { startFixtureDevhost } from '../../support/fixtureDevhost';

describe('start-up checks', () => {
  test('conflicting routes stop the start with an error naming both functions', async () => {
    await expect(startFixtureDevhost('bad-routes')).rejects.toThrow(
      "The functions 'listOrders' and 'searchOrders' have the same route 'Orders' and share a method (GET)",
    );
  });

  test('a port in use is named with how to pick another', async () => {
    const { port, close } = await holdPort();
    try {
      await expect(startFixtureDevhost('http-app', { port })).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is already in use. Pass --port <n> to pick another, or --port 0 for any free port.`,
      );
    } finally {
      await close();
    }
  });
});

describe('local.settings.json values in the process', () => {
  const env = nativeProcess().env;
  const httpApp = path.resolve(__dirname, '../../fixtures/http-app');

  test('are there while the host runs and gone once it stops, leaving values set before it alone', async () => {
    const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-settings-'));
    const savedRuntime = env.FUNCTIONS_WORKER_RUNTIME;
    env.FUNCTIONS_WORKER_RUNTIME = 'set before the host';
    try {
      expect(env.HTTP_APP_GREETING).toBeUndefined();
      const host = await startDevhost({
        appDir: httpApp,
        port: 0,
        stateDir,
        banner: false,
        logger: createMemoryLogger(),
      });
      expect(env.HTTP_APP_GREETING).toBe('hello from local.settings');
      await host.stop();
      expect(env.HTTP_APP_GREETING).toBeUndefined();
      expect(env.FUNCTIONS_WORKER_RUNTIME).toBe('set before the host');
    } finally {
      if (savedRuntime === undefined) delete env.FUNCTIONS_WORKER_RUNTIME;
      else env.FUNCTIONS_WORKER_RUNTIME = savedRuntime;
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    }
  });

  test('stay while another host of the same app still runs', async () => {
    const stateDirs = await Promise.all(
      [0, 1].map(() => fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-settings-'))),
    );
    try {
      const [first, second] = await Promise.all(
        stateDirs.map((stateDir) =>
          startDevhost({ appDir: httpApp, port: 0, stateDir, banner: false, logger: createMemoryLogger() }),
        ),
      );
      await first!.stop();
      expect(env.HTTP_APP_GREETING).toBe('hello from local.settings');
      await second!.stop();
      expect(env.HTTP_APP_GREETING).toBeUndefined();
    } finally {
      for (const stateDir of stateDirs) await fs.promises.rm(stateDir, { recursive: true, force: true });
    }
  });

  test('keep a value the app changed while it ran', async () => {
    const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-settings-'));
    try {
      const host = await startDevhost({
        appDir: httpApp,
        port: 0,
        stateDir,
        banner: false,
        logger: createMemoryLogger(),
      });
      env.HTTP_APP_GREETING = 'changed while running';
      await host.stop();
      expect(env.HTTP_APP_GREETING).toBe('changed while running');
    } finally {
      delete env.HTTP_APP_GREETING;
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    }
  });
});
