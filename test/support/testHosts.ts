/**
 * Hosts for tests, in process on devhost's testing harness (`startTestHost`): the durable and
 * entity fixture apps, and the order app itself on a virtual clock. Hosts that run devhost whole
 * live next to this file: `fixtureDevhost.ts` (in process, on a free port), `appDevhost.ts` (the
 * order app with its emulators), `devhostChild.ts` and `devhostProcess.ts` (child processes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  startTestHost,
  type StartTestHostOptions,
  type TestHost,
} from '../../devhost/src/testing/startTestHost';
import { nativeProcess } from '../../devhost/src/worker/nativeModules';
import { repoDir } from './appCopy';

export const durableAppDir = path.resolve(__dirname, '../fixtures/durable-app');
export const entityAppDir = path.resolve(__dirname, '../fixtures/entity-app');
/** The order app: the repository root, built to `dist/`. */
export const appDir = repoDir;

export function startFixtureHost(options: Partial<StartTestHostOptions> = {}): Promise<TestHost> {
  return startTestHost({ appDir: durableAppDir, ...options });
}

export function startEntityHost(options: Partial<StartTestHostOptions> = {}): Promise<TestHost> {
  return startTestHost({ appDir: entityAppDir, ...options });
}

export interface AppHostOptions {
  /** App settings for this host, over local.settings.json; set in the environment until stop. */
  settings?: Record<string, string>;
  /** Where virtual time starts (default 2030-01-01T00:00:00Z). */
  startAt?: number;
  /**
   * Run the ReconcileOrders timer (default off). It sweeps the orders of the Cosmos database in
   * the settings, local.settings.json's (a developer's `npm start` data) unless the test names its
   * own, and abandons those without a workflow in this host's task hub: every one, on a fresh hub.
   */
  reconcile?: boolean;
}

/** The host's own switch for a function (`AzureWebJobs.<name>.Disabled`), as in Azure. */
const RECONCILE_DISABLED = 'AzureWebJobs.ReconcileOrders.Disabled';

/** The compiled order app on a virtual clock (activities can be replaced with `overrideActivity`). */
export async function startAppHost(options: AppHostOptions = {}): Promise<TestHost> {
  if (!fs.existsSync(path.join(appDir, 'dist/src/functions/startOrder.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  // The harness applies the app's local.settings.json (TASKHUB_NAME for host.json's hubName) and
  // removes it again on stop, as devhost does; settings already in the environment win.
  const env = nativeProcess().env;
  const settings = { [RECONCILE_DISABLED]: options.reconcile ? 'false' : 'true', ...options.settings };
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, env[k]]));
  const restore = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  };
  Object.assign(env, settings);
  let host: TestHost;
  try {
    host = await startTestHost({
      appDir,
      clock: 'virtual',
      ...(options.startAt !== undefined ? { startAt: options.startAt } : {}),
    });
  } catch (err) {
    restore();
    throw err;
  }
  const stop = host.stop.bind(host);
  return Object.assign(host, {
    stop: async () => {
      try {
        await stop();
      } finally {
        restore();
      }
    },
  });
}
