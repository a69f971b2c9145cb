import * as path from 'node:path';
import {
  startTestHost,
  type StartTestHostOptions,
  type TestHost,
} from '../../devhost/src/testing/startTestHost';

export const durableAppDir = path.resolve(__dirname, '../fixtures/durable-app');

let counter = 0;

/** A unique instance id per test, so hosts never collide. */
export function uniqueInstanceId(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}

export function startFixtureHost(options: Partial<StartTestHostOptions> = {}): Promise<TestHost> {
  return startTestHost({ appDir: durableAppDir, ...options });
}
