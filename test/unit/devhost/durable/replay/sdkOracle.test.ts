/**
 * The external oracle: the orchestrator histories in Azure/azure-functions-durable-js
 * (test/testobjects/testhistories.ts, orchestrators in TestOrchestrations.ts, v3.1.0). The same
 * orchestrators, written here from what those fixtures show, are driven through the real SDK and the
 * replay core with the same completions; the produced history must number events as the fixture
 * does. Episode markers are left out of the comparison because the fixtures batch deliveries freely.
 */
import { EventType, type EventRaisedEvent } from '../../../../../devhost/src/protocol/history';
import * as df from 'durable-functions';
import {
  eventRaised,
  shapeOf,
  subOrchestrationCompleted,
  subOrchestrationFailed,
  taskCompleted,
  taskFailed,
  timerFired,
} from '../../../../support/durableEvents';
import {
  at,
  DAY_MS,
  SdkOrchestration,
  testSettings,
  withoutEpisodeMarkers,
  type OrchestratorFn,
} from '../../../../support/sdkOrchestrator';

const settings = testSettings({
  activities: ['Hello', 'GetFileList', 'GetFileSize', 'TaskA', 'TaskB'],
  orchestrators: ['SayHelloWithActivity', 'SayHelloInline'],
  entities: ['counter'],
});

function shape(run: SdkOrchestration): string[] {
  return withoutEpisodeMarkers(shapeOf(run.history));
}

function fireAtOf(run: SdkOrchestration, timerId: number): string {
  const work = run.results.flatMap((r) => r.work).find((w) => w.kind === 'timer' && w.timerId === timerId);
  if (work === undefined || work.kind !== 'timer') throw new Error(`timer ${timerId} was not scheduled`);
  return work.fireAt;
}

const sayHelloSequence: OrchestratorFn = function* (context) {
  const output: unknown[] = [];
  output.push(yield context.df.callActivity('Hello', 'Tokyo'));
  output.push(yield context.df.callActivity('Hello', 'Seattle'));
  output.push(yield context.df.callActivity('Hello', 'London'));
  return output;
};

const sayHelloWithActivityRetry: OrchestratorFn = function* (context) {
  return yield context.df.callActivityWithRetry(
    'Hello',
    new df.RetryOptions(10000, 2),
    context.df.getInput(),
  );
};

const sayHelloWithActivityRetryFanout: OrchestratorFn = function* (context) {
  const retry = new df.RetryOptions(100, 5);
  return yield context.df.Task.all([
    context.df.callActivityWithRetry('Hello', retry, 'Tokyo'),
    context.df.callActivityWithRetry('Hello', retry, 'Seattle'),
  ]);
};

const fanOutFanInDiskUsage: OrchestratorFn = function* (context) {
  const files = (yield context.df.callActivity('GetFileList', context.df.getInput())) as string[];
  const sizes = (yield context.df.Task.all(
    files.map((f) => context.df.callActivity('GetFileSize', f)),
  )) as number[];
  return sizes.reduce((a, b) => a + b, 0);
};

const timerActivityRace: OrchestratorFn = function* (context) {
  const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  const activity = context.df.callActivity('TaskA');
  const winner: unknown = yield context.df.Task.any([timer, activity]);
  if (winner === activity) {
    yield context.df.callActivity('TaskB');
    return activity.result;
  }
  return 'Timer finished';
};

const callEntitySet: OrchestratorFn = function* (context) {
  yield context.df.callEntity(new df.EntityId('counter', 'k1'), 'set', 'testString');
  return 'OK';
};

const sendHttpRequest: OrchestratorFn = function* (context) {
  return yield context.df.callHttp({ method: 'GET', url: 'https://example.test/job' });
};

const sayHelloWithSubOrchestrator: OrchestratorFn = function* (context) {
  return yield context.df.callSubOrchestrator(
    'SayHelloWithActivity',
    context.df.getInput(),
    `${context.df.instanceId}:0`,
  );
};

const sayHelloWithSubOrchestratorRetry: OrchestratorFn = function* (context) {
  return yield context.df.callSubOrchestratorWithRetry(
    'SayHelloInline',
    new df.RetryOptions(10000, 2),
    context.df.getInput(),
    `${context.df.instanceId}:0`,
  );
};

const waitForExternalEvent: OrchestratorFn = function* (context) {
  const name: unknown = yield context.df.waitForExternalEvent('start');
  return yield context.df.callActivity('Hello', name);
};

const waitOnTimer: OrchestratorFn = function* (context) {
  yield context.df.createTimer(new Date(context.df.getInput<string>()));
  return 'Timer fired!';
};

describe('replay core against the SDK repository oracle histories', () => {
  it('numbers a sequence of activities as GetHelloSequenceReplayFinal', async () => {
    const run = new SdkOrchestration(sayHelloSequence, { name: 'SayHelloSequence', settings });
    await run.start(null, at(0));
    await run.episode([taskCompleted(0, 'Hello, Tokyo!')], at(1));
    await run.episode([taskCompleted(1, 'Hello, Seattle!')], at(2));
    const end = await run.episode([taskCompleted(2, 'Hello, London!')], at(3));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted(0)',
      'TaskScheduled#1',
      'TaskCompleted(1)',
      'TaskScheduled#2',
      'TaskCompleted(2)',
      'ExecutionCompleted#3',
    ]);
    expect(end.runtimeStatus).toBe('Completed');
    expect(JSON.parse(end.output ?? 'null')).toEqual(['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']);
  });

  it('retries one failed activity as GetSayHelloWithActivityRetryRetryOne and then succeeds', async () => {
    const run = new SdkOrchestration(sayHelloWithActivityRetry, {
      name: 'SayHelloWithActivityRetry',
      settings,
    });
    await run.start('World', at(0));
    const failed = await run.episode([taskFailed(0, 'boom')], at(1));
    expect(failed.work).toEqual([{ kind: 'timer', timerId: 1, fireAt: at(11) }]);
    const retried = await run.episode([timerFired(1, at(11))], at(11));
    expect(retried.work).toEqual([
      { kind: 'activity', taskScheduledId: 2, name: 'Hello', input: '["\\"World\\""]' },
    ]);
    const end = await run.episode([taskCompleted(2, 'Hello, World!')], at(12));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskFailed(0)',
      'TimerCreated#1',
      'TimerFired(1)',
      'TaskScheduled#2',
      'TaskCompleted(2)',
      'ExecutionCompleted#3',
    ]);
    expect(end.output).toBe('"Hello, World!"');
  });

  it('fails after the last attempt and its immediate timer as GetSayHelloWithActivityRetryRetryTwo', async () => {
    const run = new SdkOrchestration(sayHelloWithActivityRetry, {
      name: 'SayHelloWithActivityRetry',
      settings,
    });
    await run.start('World', at(0));
    await run.episode([taskFailed(0, 'boom')], at(30));
    await run.episode([timerFired(1, at(40))], at(50));
    const lastFailure = await run.episode([taskFailed(2, 'boom again')], at(70));
    // The timer after the last attempt fires at once; the SDK surfaces the failure only after it.
    expect(lastFailure.work).toEqual([{ kind: 'timer', timerId: 3, fireAt: at(70) }]);
    expect(lastFailure.runtimeStatus).toBe('Running');
    const end = await run.episode([timerFired(3, at(70))], at(70));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskFailed(0)',
      'TimerCreated#1',
      'TimerFired(1)',
      'TaskScheduled#2',
      'TaskFailed(2)',
      'TimerCreated#3',
      'TimerFired(3)',
      'ExecutionCompleted#4',
    ]);
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toContain(
      "Orchestrator function 'SayHelloWithActivityRetry' failed: Activity function failed: boom again",
    );
  });

  it('retries inside a fan-out as GetSayHelloWithActivityRetryFanout', async () => {
    const run = new SdkOrchestration(sayHelloWithActivityRetryFanout, {
      name: 'SayHelloWithActivityRetryFanout',
      settings,
    });
    await run.start(null, at(0));
    await run.episode([taskFailed(0, 'boom')], at(1));
    await run.episode([taskCompleted(1, 'Hello, Seattle!')], at(1));
    await run.episode([timerFired(2, fireAtOf(run, 2))], at(2));
    const end = await run.episode([taskCompleted(3, 'Hello, Tokyo!')], at(3));
    // The fixture lists TaskCompleted(1) after TimerCreated#2 because it delivers it in a later episode.
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskScheduled#1',
      'TaskFailed(0)',
      'TimerCreated#2',
      'TaskCompleted(1)',
      'TimerFired(2)',
      'TaskScheduled#3',
      'TaskCompleted(3)',
      'ExecutionCompleted#4',
    ]);
    expect(JSON.parse(end.output ?? 'null')).toEqual(['Hello, Tokyo!', 'Hello, Seattle!']);
  });

  it('fans out and in as GetFanOutFanInDiskUsageComplete', async () => {
    const run = new SdkOrchestration(fanOutFanInDiskUsage, { name: 'FanOutFanInDiskUsage', settings });
    await run.start('C:\\Dev', at(0));
    const fanOut = await run.episode([taskCompleted(0, ['a', 'b', 'c'])], at(1));
    expect(fanOut.work.map((w) => (w.kind === 'activity' ? [w.taskScheduledId, w.name] : w.kind))).toEqual([
      [1, 'GetFileSize'],
      [2, 'GetFileSize'],
      [3, 'GetFileSize'],
    ]);
    await run.episode([taskCompleted(1, 1), taskCompleted(2, 2)], at(2));
    const end = await run.episode([taskCompleted(3, 3)], at(3));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted(0)',
      'TaskScheduled#1',
      'TaskScheduled#2',
      'TaskScheduled#3',
      'TaskCompleted(1)',
      'TaskCompleted(2)',
      'TaskCompleted(3)',
      'ExecutionCompleted#4',
    ]);
    expect(end.output).toBe('6');
  });

  it('fails a fan-out as GetFanOutFanInDiskUsageFaulted only once every child has finished', async () => {
    const run = new SdkOrchestration(fanOutFanInDiskUsage, { name: 'FanOutFanInDiskUsage', settings });
    await run.start('C:\\Dev', at(0));
    await run.episode([taskCompleted(0, ['a', 'b', 'c'])], at(1));
    const oneFailed = await run.episode([taskCompleted(1, 1), taskFailed(2, 'disk gone')], at(2));
    // The SDK's Task.all fails fast, but the extension's Task.WhenAll still waits for child 3.
    expect(oneFailed.runtimeStatus).toBe('Running');
    const end = await run.episode([taskFailed(3, 'disk gone')], at(3));
    expect(withoutEpisodeMarkers(shapeOf(run.history)).slice(-4)).toEqual([
      'TaskCompleted(1)',
      'TaskFailed(2)',
      'TaskFailed(3)',
      'ExecutionCompleted#4',
    ]);
    expect(end.runtimeStatus).toBe('Failed');
  });

  it('lets the activity win the race as GetTimerActivityRaceActivityWinsHistory and completes after the timer', async () => {
    const run = new SdkOrchestration(timerActivityRace, { name: 'TimerActivityRace', settings });
    await run.start(null, at(0));
    const won = await run.episode([taskCompleted(1, 'A')], at(0.5));
    expect(won.work).toEqual([{ kind: 'activity', taskScheduledId: 2, name: 'TaskB', input: '[null]' }]);
    const fired = await run.episode([timerFired(0, at(1))], at(1));
    expect(fired.runtimeStatus).toBe('Running');
    const end = await run.episode([taskCompleted(2, 'B')], at(2));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'TaskScheduled#1',
      'TaskCompleted(1)',
      'TaskScheduled#2',
      'TimerFired(0)',
      'TaskCompleted(2)',
      'ExecutionCompleted#3',
    ]);
    expect(end.output).toBe('"A"');
  });

  it('lets the timer win as GetTimerActivityRaceTimerWinsHistory but stays Running until the losing activity ends', async () => {
    const run = new SdkOrchestration(timerActivityRace, { name: 'TimerActivityRace', settings });
    await run.start(null, at(0));
    const fired = await run.episode([timerFired(0, at(1))], at(1));
    expect(run.replies[1]).toMatchObject({
      kind: 'state',
      state: { isDone: true, output: 'Timer finished' },
    });
    expect(fired.runtimeStatus).toBe('Running');
    expect(fired.work).toEqual([]);
    const end = await run.episode([taskCompleted(1, 'A')], at(5));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'TaskScheduled#1',
      'TimerFired(0)',
      'TaskCompleted(1)',
      'ExecutionCompleted#2',
    ]);
    expect(end.output).toBe('"Timer finished"');
  });

  it('calls an entity as GetCallEntitySet: EventSent#0 answered by an event named after the request id', async () => {
    const run = new SdkOrchestration(callEntitySet, { name: 'CallEntitySet', settings });
    const first = await run.start(null, at(0));
    expect(first.work).toHaveLength(1);
    const sent = first.work[0];
    if (sent?.kind !== 'event') throw new Error('expected an entity request');
    expect(sent).toMatchObject({ targetInstanceId: '@counter@k1', name: 'op' });
    const request = JSON.parse(sent.input ?? '{}') as {
      id: string;
      op: string;
      input: string;
      parent: string;
    };
    expect(request).toMatchObject({
      op: 'set',
      input: '"testString"',
      parent: 'instance-1',
      parentExecution: 'execution-1',
    });
    const response: EventRaisedEvent = eventRaised(request.id, { result: 'null' });
    const end = await run.episode([response], at(1));
    expect(shape(run)).toEqual(['ExecutionStarted', 'EventSent#0', `EventRaised`, 'ExecutionCompleted#1']);
    expect(end.output).toBe('"OK"');
  });

  it('polls a 202 as GetCompletedHttpRequestWithPolling: activity, timer, activity', async () => {
    const run = new SdkOrchestration(sendHttpRequest, { name: 'SendHttpRequest', settings });
    const first = await run.start(null, at(0));
    expect(first.work).toEqual([
      {
        kind: 'httpActivity',
        taskScheduledId: 0,
        request: expect.objectContaining({ method: 'GET', uri: 'https://example.test/job' }) as unknown,
      },
    ]);
    const accepted = await run.episode(
      [
        taskCompleted(0, {
          statusCode: 202,
          headers: { Location: 'https://example.test/status' },
          content: '',
        }),
      ],
      at(1),
    );
    expect(accepted.work).toEqual([{ kind: 'timer', timerId: 1, fireAt: at(31) }]);
    const poll = await run.episode([timerFired(1, at(31))], at(31));
    expect(poll.work).toEqual([
      {
        kind: 'httpActivity',
        taskScheduledId: 2,
        request: expect.objectContaining({ method: 'GET', uri: 'https://example.test/status' }) as unknown,
      },
    ]);
    const end = await run.episode(
      [taskCompleted(2, { statusCode: 200, headers: {}, content: 'done' })],
      at(32),
    );
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted(0)',
      'TimerCreated#1',
      'TimerFired(1)',
      'TaskScheduled#2',
      'TaskCompleted(2)',
      'ExecutionCompleted#3',
    ]);
    expect(JSON.parse(end.output ?? 'null')).toMatchObject({ statusCode: 200, content: 'done' });
  });

  it('calls a sub-orchestrator with an explicit id as GetSayHelloWithSubOrchestratorReplayOne', async () => {
    const run = new SdkOrchestration(sayHelloWithSubOrchestrator, {
      name: 'SayHelloWithSubOrchestrator',
      settings,
    });
    const first = await run.start('World', at(0));
    expect(first.work).toEqual([
      {
        kind: 'subOrchestration',
        taskScheduledId: 0,
        name: 'SayHelloWithActivity',
        instanceId: 'instance-1:0',
        input: '"World"',
      },
    ]);
    const end = await run.episode([subOrchestrationCompleted(0, 'Hello, World!')], at(1));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated#0',
      'SubOrchestrationInstanceCompleted(0)',
      'ExecutionCompleted#1',
    ]);
    expect(end.output).toBe('"Hello, World!"');
  });

  it('retries a failing sub-orchestrator as GetSayHelloWithSubOrchestratorRetryRetryTwo and then fails', async () => {
    const run = new SdkOrchestration(sayHelloWithSubOrchestratorRetry, {
      name: 'SayHelloWithSubOrchestratorRetry',
      settings,
    });
    await run.start('World', at(0));
    await run.episode(
      [subOrchestrationFailed(0, "Orchestrator function 'SayHelloInline' failed: no")],
      at(1),
    );
    const second = await run.episode([timerFired(1, at(11))], at(11));
    expect(second.work).toEqual([
      {
        kind: 'subOrchestration',
        taskScheduledId: 2,
        name: 'SayHelloInline',
        instanceId: 'instance-1:0',
        input: '"World"',
      },
    ]);
    await run.episode(
      [subOrchestrationFailed(2, "Orchestrator function 'SayHelloInline' failed: no")],
      at(12),
    );
    const end = await run.episode([timerFired(3, at(12))], at(12));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated#0',
      'SubOrchestrationInstanceFailed(0)',
      'TimerCreated#1',
      'TimerFired(1)',
      'SubOrchestrationInstanceCreated#2',
      'SubOrchestrationInstanceFailed(2)',
      'TimerCreated#3',
      'TimerFired(3)',
      'ExecutionCompleted#4',
    ]);
    expect(end.runtimeStatus).toBe('Failed');
  });

  it('waits for an external event as GetWaitForExternalEventEventReceived', async () => {
    const run = new SdkOrchestration(waitForExternalEvent, { name: 'WaitForExternalEvent', settings });
    const first = await run.start(null, at(0));
    expect(first.work).toEqual([]);
    const raised = await run.episode([eventRaised('start', 'Tokyo')], at(1));
    expect(raised.work).toEqual([
      { kind: 'activity', taskScheduledId: 0, name: 'Hello', input: '["\\"Tokyo\\""]' },
    ]);
    const end = await run.episode([taskCompleted(0, 'Hello, Tokyo!')], at(2));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'EventRaised',
      'TaskScheduled#0',
      'TaskCompleted(0)',
      'ExecutionCompleted#1',
    ]);
    expect(end.output).toBe('"Hello, Tokyo!"');
  });

  it('starts a long timer with a 3-day slice as GetWaitOnLongTimerHalfway', async () => {
    const run = new SdkOrchestration(waitOnTimer, { name: 'WaitOnTimer', settings });
    const first = await run.start(at((10 * DAY_MS) / 1000), at(0));
    expect(first.work).toEqual([{ kind: 'timer', timerId: 0, fireAt: at((3 * DAY_MS) / 1000) }]);
  });

  it('slices a 10-day timer the way the extension does: 3-day slices until less than 3 days remain', async () => {
    const days = (n: number) => at((n * DAY_MS) / 1000);
    const run = new SdkOrchestration(waitOnTimer, { name: 'WaitOnTimer', settings });
    await run.start(days(10), days(0));
    for (const [id, day] of [
      [0, 3],
      [1, 6],
      [2, 9],
    ] as const) {
      expect(run.last.work).toEqual([{ kind: 'timer', timerId: id, fireAt: days(day) }]);
      expect(run.last.runtimeStatus).toBe('Running');
      await run.episode([timerFired(id, days(day))], days(day));
    }
    expect(run.last.work).toEqual([{ kind: 'timer', timerId: 3, fireAt: days(10) }]);
    const end = await run.episode([timerFired(3, days(10))], days(10));
    expect(end.output).toBe('"Timer fired!"');
    expect(shape(run).slice(-3)).toEqual(['TimerCreated#3', 'TimerFired(3)', 'ExecutionCompleted#4']);
  });

  it("replays GetWaitOnTimerFired's own slicing of a 10-day timer without non-determinism", async () => {
    // The fixture slices by the SDK's rule (3 days, 3 days, then the rest at once), which differs from
    // the extension's only in the last slices' FireAt. Ids and kinds match, so the history replays and
    // the timer ends when its final slice fires.
    const days = (n: number) => at((n * DAY_MS) / 1000);
    const run = new SdkOrchestration(waitOnTimer, { name: 'WaitOnTimer', settings });
    await run.start(days(10), days(0));
    await run.episode([timerFired(0, days(3))], days(3));
    await run.episode([timerFired(1, days(6))], days(6));
    const slice = run.history.find((e) => e.EventType === EventType.TimerCreated && e.EventId === 2);
    if (slice?.EventType !== EventType.TimerCreated) throw new Error('slice 2 missing');
    slice.FireAt = days(10);
    const end = await run.episode([timerFired(2, days(10))], days(10));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'TimerCreated#0',
      'TimerFired(0)',
      'TimerCreated#1',
      'TimerFired(1)',
      'TimerCreated#2',
      'TimerFired(2)',
      'ExecutionCompleted#3',
    ]);
    expect(end.output).toBe('"Timer fired!"');
  });

  it('consumes early events in order as GetTimestampExhaustion, ignoring its duplicated TimerFired', async () => {
    const timestampExhaustion: OrchestratorFn = function* (context) {
      const payload = context.df.getInput<{ delayMergeUntilSecs?: number }>();
      yield context.df.callActivity('Merge');
      if (payload.delayMergeUntilSecs) {
        const fireAt = new Date(context.df.currentUtcDateTime.getTime() + payload.delayMergeUntilSecs * 1000);
        yield context.df.createTimer(fireAt);
      }
      for (let attempt = 0; attempt < 10; attempt++) {
        const result = (yield context.df.callActivity('CheckIfMerged')) as { output: boolean };
        if (result.output) return 'Merge successful';
        yield context.df.waitForExternalEvent('CheckPrForMerge');
      }
      return 'gave up';
    };
    const run = new SdkOrchestration(timestampExhaustion, {
      name: 'TimestampExhaustion',
      settings: testSettings({ activities: ['Merge', 'CheckIfMerged'] }),
    });
    const check = (value: number) => eventRaised('CheckPrForMerge', { value });
    await run.start({ delayMergeUntilSecs: 1 }, at(0), [check(0)]);
    await run.episode([check(1)], at(1));
    await run.episode([taskCompleted(0, '')], at(2));
    const duplicated = await run.episode([timerFired(1, at(3)), timerFired(1, at(3))], at(3));
    expect(duplicated.warnings).toEqual([expect.stringContaining('Duplicate TimerFired event for task 1')]);
    await run.episode([taskCompleted(2, { output: false })], at(4));
    await run.episode([taskCompleted(3, { output: false })], at(5));
    const waiting = await run.episode([taskCompleted(4, { output: false })], at(6));
    expect(waiting.work).toEqual([]);
    await run.episode([check(2), check(3), check(4)], at(7));
    const stillBuffered = await run.episode([taskCompleted(5, { output: false })], at(8));
    expect(shape(run)).toEqual([
      'ExecutionStarted',
      'EventRaised',
      'TaskScheduled#0',
      'EventRaised',
      'TaskCompleted(0)',
      'TimerCreated#1',
      'TimerFired(1)',
      'TaskScheduled#2',
      'TaskCompleted(2)',
      'TaskScheduled#3',
      'TaskCompleted(3)',
      'TaskScheduled#4',
      'TaskCompleted(4)',
      'EventRaised',
      'EventRaised',
      'EventRaised',
      'TaskScheduled#5',
      'TaskCompleted(5)',
      'TaskScheduled#6',
    ]);
    // Two events (values 3 and 4) are still buffered, so the next check goes out at once.
    expect(stillBuffered.work).toEqual([
      { kind: 'activity', taskScheduledId: 6, name: 'CheckIfMerged', input: '[null]' },
    ]);
  });
});
