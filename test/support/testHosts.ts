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

/** The compiled order app on a virtual clock (activities can be replaced with `overrideActivity`). */
export async function startAppHost(): Promise<TestHost> {
  if (!fs.existsSync(path.join(appDir, 'dist/src/functions/startOrder.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  // The harness applies the app's local.settings.json (TASKHUB_NAME for host.json's hubName) and
  // removes it again on stop, as devhost does.
  return startTestHost({ appDir, clock: 'virtual' });
}
