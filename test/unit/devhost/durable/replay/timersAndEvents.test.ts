import * as df from 'durable-functions';
import {
  eventRaised,
  shapeOf,
  taskCompleted,
  taskFailed,
  timerFired,
} from '../../../../support/durableEvents';
import {
  at,
  SdkOrchestration,
  testSettings,
  withoutEpisodeMarkers,
  type OrchestratorFn,
} from '../../../../support/sdkOrchestrator';

const settings = testSettings({ activities: ['Notify'] });

/** The approval pattern: the event races a deadline; `cancelLoser` decides whether the timer is cancelled. */
function approval(cancelLoser: boolean): OrchestratorFn {
  return function* (context) {
    const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));
    const decision = context.df.waitForExternalEvent('Approval');
    const winner: unknown = yield context.df.Task.any([decision, deadline]);
    if (winner === decision) {
      if (cancelLoser) deadline.cancel();
      return { approved: decision.result };
    }
    return { approved: false, timedOut: true };
  };
}

describe('timers and external events', () => {
  it('completes at once when the losing timer of Task.any is cancelled', async () => {
    const run = new SdkOrchestration(approval(true), { name: 'approval', settings });
    const first = await run.start(null, at(0));
    expect(first.work).toEqual([{ kind: 'timer', timerId: 0, fireAt: at(3600) }]);
    const end = await run.episode([eventRaised('Approval', true)], at(10));
    expect(end.runtimeStatus).toBe('Completed');
    expect(JSON.parse(end.output ?? 'null')).toEqual({ approved: true });
    expect(withoutEpisodeMarkers(shapeOf(run.history))).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'EventRaised',
      'ExecutionCompleted#1',
    ]);
  });

  it('keeps the instance Running until an uncancelled losing timer fires, then completes in that episode', async () => {
    const run = new SdkOrchestration(approval(false), { name: 'approval', settings });
    await run.start(null, at(0));
    const approved = await run.episode([eventRaised('Approval', true)], at(10));
    expect(approved.runtimeStatus).toBe('Running');
    expect(approved.work).toEqual([]);
    const end = await run.episode([timerFired(0, at(3600))], at(3600));
    expect(end.runtimeStatus).toBe('Completed');
    expect(JSON.parse(end.output ?? 'null')).toEqual({ approved: true });
    expect(withoutEpisodeMarkers(shapeOf(run.history)).slice(-3)).toEqual([
      'EventRaised',
      'TimerFired(0)',
      'ExecutionCompleted#1',
    ]);
  });

  it('times out when the timer wins and the event never comes', async () => {
    const run = new SdkOrchestration(approval(true), { name: 'approval', settings });
    await run.start(null, at(0));
    const end = await run.episode([timerFired(0, at(3600))], at(3600));
    expect(JSON.parse(end.output ?? 'null')).toEqual({ approved: false, timedOut: true });
  });

  it('buffers events raised before anyone waits and hands them out first-in first-out', async () => {
    const twoEvents: OrchestratorFn = function* (context) {
      yield context.df.callActivity('Notify');
      const first: unknown = yield context.df.waitForExternalEvent('E');
      const second: unknown = yield context.df.waitForExternalEvent('E');
      return [first, second];
    };
    const run = new SdkOrchestration(twoEvents, { name: 'twoEvents', settings });
    await run.start(null, at(0), [eventRaised('E', 1)]);
    await run.episode([eventRaised('E', 2)], at(1));
    expect(run.last.runtimeStatus).toBe('Running');
    const end = await run.episode([taskCompleted(0, null)], at(2));
    expect(JSON.parse(end.output ?? 'null')).toEqual([1, 2]);
    expect(end.runtimeStatus).toBe('Completed');
  });

  it('matches event names case-sensitively, as the SDK does', async () => {
    const run = new SdkOrchestration(approval(true), { name: 'approval', settings });
    await run.start(null, at(0));
    const wrongCase = await run.episode([eventRaised('approval', true)], at(10));
    expect(wrongCase.runtimeStatus).toBe('Running');
    const end = await run.episode([eventRaised('Approval', 'yes')], at(20));
    expect(JSON.parse(end.output ?? 'null')).toEqual({ approved: 'yes' });
  });

  it('lets an event with no payload resolve the waiter with undefined', async () => {
    const run = new SdkOrchestration(approval(true), { name: 'approval', settings });
    await run.start(null, at(0));
    const end = await run.episode([eventRaised('Approval', undefined)], at(10));
    expect(end.runtimeStatus).toBe('Completed');
    expect(JSON.parse(end.output ?? 'null')).toEqual({});
  });

  it('schedules a timer that is already due like any other and fires it in a later episode', async () => {
    const past: OrchestratorFn = function* (context) {
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() - 1000));
      return 'done';
    };
    const run = new SdkOrchestration(past, { name: 'past', settings });
    const first = await run.start(null, at(10));
    expect(first.work).toEqual([{ kind: 'timer', timerId: 0, fireAt: at(9) }]);
    const end = await run.episode([timerFired(0, at(9))], at(10));
    expect(end.output).toBe('"done"');
  });

  it('cancels a long timer after its first slice, so it holds nothing open', async () => {
    const longRace: OrchestratorFn = function* (context) {
      const timer = context.df.createTimer(
        new Date(context.df.currentUtcDateTime.getTime() + 10 * 86_400_000),
      );
      const event = context.df.waitForExternalEvent('Go');
      const winner: unknown = yield context.df.Task.any([event, timer]);
      if (winner === event) timer.cancel();
      return 'went';
    };
    const run = new SdkOrchestration(longRace, { name: 'longRace', settings });
    const first = await run.start(null, at(0));
    expect(first.work).toEqual([{ kind: 'timer', timerId: 0, fireAt: at(3 * 86_400) }]);
    const end = await run.episode([eventRaised('Go', null)], at(60));
    expect(end.runtimeStatus).toBe('Completed');
  });

  it('reports non-determinism when a long timer is cancelled after a slice fired, as the extension would', async () => {
    // The extension re-creates only the first (cancelled) slice on replay, so the second slice in
    // history has no matching action. Reproduced from the extension's CreateTimer; see differences.md.
    const longRace: OrchestratorFn = function* (context) {
      const timer = context.df.createTimer(
        new Date(context.df.currentUtcDateTime.getTime() + 10 * 86_400_000),
      );
      const event = context.df.waitForExternalEvent('Go');
      const winner: unknown = yield context.df.Task.any([event, timer]);
      if (winner === event) timer.cancel();
      return 'went';
    };
    const run = new SdkOrchestration(longRace, { name: 'longRace', settings });
    await run.start(null, at(0));
    await run.episode([timerFired(0, at(3 * 86_400))], at(3 * 86_400));
    expect(run.last.work).toEqual([{ kind: 'timer', timerId: 1, fireAt: at(6 * 86_400) }]);
    const end = await run.episode([eventRaised('Go', null)], at(4 * 86_400));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toMatch(
      /^Non-Deterministic workflow detected: A previous execution of this orchestration scheduled a timer task with sequence number 1/,
    );
  });

  it('gives the SDK a time at least the fired slice time so long timers keep their ids', async () => {
    const run = new SdkOrchestration(
      function* (context) {
        yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 7 * 86_400_000));
        return context.df.currentUtcDateTime.toISOString();
      },
      { name: 'sevenDays', settings },
    );
    await run.start(null, at(0));
    await run.episode([timerFired(0, at(3 * 86_400))], at(3 * 86_400));
    expect(run.last.work).toEqual([{ kind: 'timer', timerId: 1, fireAt: at(6 * 86_400) }]);
    await run.episode([timerFired(1, at(6 * 86_400))], at(6 * 86_400));
    expect(run.last.work).toEqual([{ kind: 'timer', timerId: 2, fireAt: at(7 * 86_400) }]);
    const end = await run.episode([timerFired(2, at(7 * 86_400))], at(7 * 86_400));
    expect(end.output).toBe(JSON.stringify(at(7 * 86_400)));
  });

  it('waits for events and a timer together, and only the timer takes a sequence id', async () => {
    const both: OrchestratorFn = function* (context) {
      const a = context.df.waitForExternalEvent('A');
      const b = context.df.waitForExternalEvent('B');
      const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
      yield context.df.Task.all([a, b, timer]);
      return yield context.df.callActivity('Notify', [a.result, b.result]);
    };
    const run = new SdkOrchestration(both, { name: 'both', settings });
    await run.start(null, at(0), [eventRaised('B', 'b')]);
    await run.episode([eventRaised('A', 'a'), timerFired(0, at(1))], at(1));
    expect(run.last.work).toEqual([
      { kind: 'activity', taskScheduledId: 1, name: 'Notify', input: JSON.stringify([['a', 'b']]) },
    ]);
  });
});

describe('retry options the SDK does not see', () => {
  const retrying = (options: df.RetryOptions): OrchestratorFn =>
    function* (context) {
      return yield context.df.callActivityWithRetry('Notify', options, null);
    };

  it('backs off by the coefficient and caps the delay at maxRetryIntervalInMilliseconds', async () => {
    const options = new df.RetryOptions(1000, 4);
    options.backoffCoefficient = 3;
    options.maxRetryIntervalInMilliseconds = 5000;
    const run = new SdkOrchestration(retrying(options), { name: 'retrying', settings });
    await run.start(null, at(0));
    const fail = (id: number, now: number) => run.episode([taskFailed(id, 'nope')], at(now));
    await fail(0, 10);
    expect(run.last.work).toEqual([{ kind: 'timer', timerId: 1, fireAt: at(11) }]);
    await run.episode([timerFired(1, at(11))], at(11));
    await fail(2, 20);
    expect(run.last.work).toEqual([{ kind: 'timer', timerId: 3, fireAt: at(23) }]);
    await run.episode([timerFired(3, at(23))], at(23));
    await fail(4, 30);
    expect(run.last.work).toEqual([{ kind: 'timer', timerId: 5, fireAt: at(35) }]);
  });

  it('stops without a timer once the retry timeout has passed, leaving the SDK waiting as on Azure', async () => {
    const options = new df.RetryOptions(1000, 5);
    options.retryTimeoutInMilliseconds = 5000;
    const run = new SdkOrchestration(retrying(options), { name: 'retrying', settings });
    await run.start(null, at(0));
    await run.episode([taskFailed(0, 'nope')], at(10));
    expect(run.last.work).toEqual([]);
    expect(run.last.runtimeStatus).toBe('Running');
  });
});
