import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestHost, type TestHost } from '../../../devhost/src/testing/startTestHost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';

export const appDir = path.resolve(__dirname, '../../..');

let counter = 0;
/** Unique business ids per test, so hosts and instances never collide. */
export function uniqueId(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}

export interface Recorder {
  calls: { name: string; input: unknown }[];
  names(): string[];
}

export type Fake = (input: unknown) => unknown;

export interface AppHostOptions {
  /** App settings for this host, over local.settings.json; set in the environment until stop. */
  settings?: Record<string, string>;
  /** Where virtual time starts (default 2030-01-01T00:00:00Z). */
  startAt?: number;
}

/**
 * ReconcileOrders reads Cosmos on every run; hosts of tests that are not about it run it once a
 * year (never within a test), so days of virtual time do not cost thousands of sweeps.
 */
const SWEEP_ONCE_A_YEAR = { ORDER_RECONCILE_SCHEDULE: '0 0 0 1 1 *' };

/** The compiled app on a virtual clock. */
export async function startAppHost(options: AppHostOptions = {}): Promise<TestHost> {
  if (!fs.existsSync(path.join(appDir, 'dist/src/functions/startOrder.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  // The harness applies the app's local.settings.json (TASKHUB_NAME for host.json's hubName) and
  // removes it again on stop, as devhost does; settings already in the environment win.
  const env = nativeProcess().env;
  const settings = { ...SWEEP_ONCE_A_YEAR, ...options.settings };
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

/** Replaces every activity the test names by a fake that also records its calls in order. */
export function fakeActivities(host: TestHost, fakes: Record<string, Fake>): Recorder {
  const calls: Recorder['calls'] = [];
  for (const [name, fake] of Object.entries(fakes)) {
    host.overrideActivity(name, (input: unknown) => {
      calls.push({ name, input });
      return fake(input);
    });
  }
  return { calls, names: () => calls.map((c) => c.name) };
}

export function failing(message: string): Fake {
  return () => {
    throw new Error(message);
  };
}
