import * as df from 'durable-functions';
import {
  buildOrchestrationTrigger,
  KeptReplays,
  processEpisode,
} from '../../../../../devhost/src/durable/replay';
import type { EpisodeInput, SdkReply } from '../../../../../devhost/src/durable/replay/types';
import { EventType } from '../../../../../devhost/src/protocol/history';
import { ReplyText } from '../../../../../devhost/src/durable/scheduler/replyText';
import {
  executionStarted,
  executionSuspended,
  executionResumed,
  taskCompleted,
} from '../../../../support/durableEvents';
import {
  at,
  CountingKeptReplays,
  DAY_MS,
  playToCompletion,
  runSdkEpisode,
  SdkOrchestration,
  testSettings,
  type OrchestratorFn,
} from '../../../../support/sdkOrchestrator';

// Every SdkOrchestration episode also checks that going on from the kept replay gives the result a
// replay from the start gives (test/support/sdkOrchestrator.ts); these tests check when it goes on.

const settings = testSettings({ activities: ['Step', 'Flaky', 'Other'] });

const sequence: OrchestratorFn = function* (context) {
  const out: unknown[] = [];
  for (let i = 0; i < 6; i++) out.push(yield context.df.callActivity('Step', i));
  return out;
};

describe('the replay kept between episodes', () => {
  it('goes on in every episode after the first of a sequence', async () => {
    const run = new SdkOrchestration(sequence, { name: 'sequence', settings });
    const end = await playToCompletion(run, null, { activity: (_name, input) => ({ result: input }) });
    expect(end.runtimeStatus).toBe('Completed');
    expect(run.results).toHaveLength(7);
    expect(run.resumedEpisodes).toBe(6);
  });

  it('goes on through fan-outs, retries, timers and events', async () => {
    const mixed: OrchestratorFn = function* (context) {
      const all = (yield context.df.Task.all(
        [1, 2, 3].map((n) => context.df.callActivity('Step', n)),
      )) as number[];
      const retried: unknown = yield context.df.callActivityWithRetry(
        'Flaky',
        new df.RetryOptions(1000, 4),
        'x',
      );
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + DAY_MS));
      const approval: unknown = yield context.df.waitForExternalEvent('Approve');
      return { all, retried, approval };
    };
    let attempts = 0;
    const run = new SdkOrchestration(mixed, { name: 'mixed', settings });
    const end = await playToCompletion(run, null, {
      activity: (name, input) =>
        name === 'Flaky' && ++attempts < 3 ? { error: 'not yet' } : { result: input },
      events: [{ atSecond: 2 * 86_400, name: 'Approve', input: 'ok' }],
    });
    expect(end.runtimeStatus).toBe('Completed');
    expect(JSON.parse(end.output ?? 'null')).toEqual({ all: [1, 2, 3], retried: 'x', approval: 'ok' });
    expect(run.resumedEpisodes).toBeGreaterThan(run.results.length / 2);
  });

  it('goes on across a suspension and a resume', async () => {
    const run = new SdkOrchestration(sequence, { name: 'sequence', settings });
    await run.start(null, at(0));
    await run.episode([executionSuspended('pause', at(1))], at(1));
    await run.episode([taskCompleted(0, 0, at(2))], at(2));
    expect(run.last.runtimeStatus).toBe('Suspended');
    const resumed = await run.episode([executionResumed('go', at(3))], at(3));
    expect(resumed.runtimeStatus).toBe('Running');
    expect(resumed.work.map((w) => w.kind)).toEqual(['activity']);
    expect(run.resumedEpisodes).toBe(3);
  });

  it('replays from the start when the code changed between episodes', async () => {
    const run = new SdkOrchestration(sequence, { name: 'sequence', settings });
    await run.start(null, at(0));
    await run.episode([taskCompleted(0, 0, at(1))], at(1));
    expect(run.resumedEpisodes).toBe(1);
    run.fn = function* (context) {
      yield context.df.callActivity('Other', 0);
      return 'changed';
    };
    const end = await run.episode([taskCompleted(1, 1, at(2))], at(2));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.nonDeterminism).toBeDefined();
    expect(run.resumedEpisodes).toBe(1);
  });

  describe('with episodes played by hand', () => {
    const name = 'sequence';
    const registered = { ...settings, orchestratorNames: new Set([name]) };
    const started = executionStarted({
      name,
      instanceId: 'i',
      executionId: 'e',
      input: null,
      timestamp: at(0),
    });

    /** Plays one episode as the engine does: reply read by ReplyText, replay kept in `kept`. */
    async function play(
      kept: KeptReplays,
      replies: ReplyText,
      input: EpisodeInput,
    ): Promise<ReturnType<typeof processEpisode>> {
      const reply = await runSdkEpisode(sequence, buildOrchestrationTrigger(input));
      const read: SdkReply =
        reply.kind === 'state'
          ? { kind: 'state', state: replies.parse(input, JSON.stringify(reply.state)) as never }
          : reply;
      return processEpisode(input, read, kept);
    }

    function episode(history: EpisodeInput['history'], newEvents: EpisodeInput['newEvents'], second: number) {
      return { instanceId: 'i', executionId: 'e', history, newEvents, now: at(second), settings: registered };
    }

    it('keeps a running execution, and nothing once it ended or when the history is not the one kept', async () => {
      const kept = new KeptReplays();
      const replies = new ReplyText();
      const first = await play(kept, replies, episode([], [started], 0));
      expect(kept.size).toBe(1);

      // A history that lost the last episode's events (a checkpoint that did not land): from the start.
      const retried = await play(kept, replies, episode([], [started], 1));
      expect(retried.runtimeStatus).toBe('Running');
      expect(kept.size).toBe(1);

      const history = [...retried.appended];
      const second = await play(kept, replies, episode(history, [taskCompleted(0, 0, at(2))], 2));
      expect(second.runtimeStatus).toBe('Running');
      expect(first.work).toEqual(retried.work);

      kept.forget({ instanceId: 'i', executionId: 'e' });
      expect(kept.size).toBe(0);
    });

    it("goes on when the store's copies of the appended events hold the same values, not otherwise", async () => {
      const reversed = (event: object): EpisodeInput['history'][number] =>
        Object.fromEntries(Object.entries(event).reverse()) as never;

      const kept = new CountingKeptReplays();
      const replies = new ReplyText();
      const first = await play(kept, replies, episode([], [started], 0));
      const copies = first.appended.map(reversed);
      const second = await play(kept, replies, episode(copies, [taskCompleted(0, 0, at(1))], 1));
      expect(kept.resumed).toBe(1);

      // The stored TaskCompleted says something else than what the episode appended: from the start.
      const altered = second.appended.map((event) =>
        event.EventType === EventType.TaskCompleted ? { ...event, Result: '"other"' } : event,
      );
      const third = await play(
        kept,
        replies,
        episode([...copies, ...altered], [taskCompleted(1, 1, at(2))], 2),
      );
      expect(kept.resumed).toBe(1);
      expect(third.runtimeStatus).toBe('Running');
    });

    it('holds at most its limit of executions, the least recently used going first', async () => {
      const kept = new KeptReplays(1);
      const replies = new ReplyText();
      await play(kept, replies, episode([], [started], 0));
      const other = { ...episode([], [{ ...started }], 0), instanceId: 'j' };
      await play(kept, replies, other);
      expect(kept.size).toBe(1);
      // The first execution's replay went: its next episode replays from the start (and still runs).
      expect(kept.take(episode([], [], 1), [])).toBeUndefined();
    });
  });
});
