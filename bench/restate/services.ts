/**
 * The benchmark's workflows on Restate, the same as `bench/app` on devhost: an activity is a
 * handler of the `activities` service called durably through the Restate server (its own
 * invocation, journalled, retried), the nearest thing to a Durable Functions activity; the
 * workflows are handlers whose steps Restate journals.
 */
import './withResolvers';
import * as restate from '@restatedev/restate-sdk';

/** Activity invocations this process ran, so a run cut short can still tell its rate. */
export const activityRuns = { count: 0 };

/** One turn of the event loop, as in `bench/app`'s activities. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export const activities = restate.service({
  name: 'activities',
  handlers: {
    hello: async (_ctx: restate.Context, name: string): Promise<string> => {
      activityRuns.count += 1;
      await turn();
      return `Hello ${name}!`;
    },
    double: async (_ctx: restate.Context, n: number): Promise<number> => {
      activityRuns.count += 1;
      await turn();
      return n * 2;
    },
  },
});

export const workflows = restate.service({
  name: 'workflows',
  handlers: {
    helloSequence: async (ctx: restate.Context, names: string[]): Promise<string[]> => {
      const out: string[] = [];
      for (const name of names) out.push(await ctx.serviceClient(activities).hello(name));
      return out;
    },
    fanOut: async (ctx: restate.Context, count: number): Promise<number> => {
      const calls = Array.from({ length: count }, (_, i) => ctx.serviceClient(activities).double(i));
      const results = await restate.RestatePromise.all(calls);
      return results.reduce((sum, n) => sum + n, 0);
    },
  },
});
