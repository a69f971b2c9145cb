import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestHost, type TestHost } from '../../../devhost/src/testing/startTestHost';

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

/**
 * The compiled app on a virtual clock, with every activity the test names replaced by a fake
 * that also records its calls in order.
 */
export async function startAppHost(): Promise<TestHost> {
  if (!fs.existsSync(path.join(appDir, 'dist/src/functions/startOrder.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  // The harness applies the app's local.settings.json (TASKHUB_NAME for host.json's hubName) and
  // removes it again on stop, as devhost does.
  return startTestHost({ appDir, clock: 'virtual' });
}

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
