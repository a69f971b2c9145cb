import * as path from 'node:path';
import { startTestHost, type StartTestHostOptions, type TestHost } from '../../../devhost/testing/startTestHost';

export const entityAppDir = path.resolve(__dirname, '../../fixtures/entity-app');

let counter = 0;

/** A unique id per test (entity keys, instance ids), so hosts never collide. */
export function uniqueId(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}

export function startEntityHost(options: Partial<StartTestHostOptions> = {}): Promise<TestHost> {
  return startTestHost({ appDir: entityAppDir, ...options });
}

/** The user state of an entity as the Durable HTTP API reads it, parsed. */
export async function entityState(host: TestHost, name: string, key: string): Promise<unknown> {
  const read = await host.client.readEntityState(name, key);
  return read.exists && read.state !== null ? (JSON.parse(read.state) as unknown) : undefined;
}
