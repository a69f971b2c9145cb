/** Fakes for the order app's activities, on a host from `startAppHost` (test/support/testHosts.ts). */
import type { TestHost } from '../../../devhost/src/testing/startTestHost';

export interface Recorder {
  calls: { name: string; input: unknown }[];
  names(): string[];
}

export type Fake = (input: unknown) => unknown;

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
