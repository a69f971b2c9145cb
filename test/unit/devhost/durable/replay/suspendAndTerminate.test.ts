import {
  eventRaised,
  executionResumed,
  executionSuspended,
  executionTerminated,
  shapeOf,
  taskCompleted,
} from '../../../../support/durableEvents';
import {
  at,
  SdkOrchestration,
  testSettings,
  withoutEpisodeMarkers,
  type OrchestratorFn,
} from '../../../../support/sdkOrchestrator';

const settings = testSettings({ activities: ['Step'] });

const twoSteps: OrchestratorFn = function* (context) {
  const first: unknown = yield context.df.callActivity('Step', 1);
  const second: unknown = yield context.df.callActivity('Step', 2);
  return [first, second];
};

describe('suspend and resume', () => {
  it('holds back what arrives while suspended and schedules nothing until resumed', async () => {
    const run = new SdkOrchestration(twoSteps, { name: 'twoSteps', settings });
    await run.start(null, at(0));
    const suspended = await run.episode([executionSuspended('maintenance')], at(1));
    expect(suspended.runtimeStatus).toBe('Suspended');
    const whileSuspended = await run.episode([taskCompleted(0, 'one')], at(2));
    expect(whileSuspended.runtimeStatus).toBe('Suspended');
    expect(whileSuspended.work).toEqual([]);
    const resumed = await run.episode([executionResumed('done')], at(3));
    expect(resumed.runtimeStatus).toBe('Running');
    expect(resumed.work).toEqual([{ kind: 'activity', taskScheduledId: 1, name: 'Step', input: '[2]' }]);
    const end = await run.episode([taskCompleted(1, 'two')], at(4));
    expect(JSON.parse(end.output ?? 'null')).toEqual(['one', 'two']);
    expect(withoutEpisodeMarkers(shapeOf(run.history))).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'ExecutionSuspended',
      'TaskCompleted(0)',
      'ExecutionResumed',
      'TaskScheduled#1',
      'TaskCompleted(1)',
      'ExecutionCompleted#2',
    ]);
  });
});

describe('termination', () => {
  it('completes the execution as Terminated with the reason, at the id the replay reached', async () => {
    const run = new SdkOrchestration(twoSteps, { name: 'twoSteps', settings });
    await run.start(null, at(0));
    const end = await run.episode([executionTerminated('operator stopped it')], at(1));
    expect(end.runtimeStatus).toBe('Terminated');
    expect(end.output).toBe('operator stopped it');
    expect(withoutEpisodeMarkers(shapeOf(end.appended))).toEqual([
      'ExecutionTerminated',
      'ExecutionCompleted#1',
    ]);
    expect(end.appended[2]).toMatchObject({ OrchestrationStatus: 5, Result: 'operator stopped it' });
  });

  it('terminates a suspended instance', async () => {
    const run = new SdkOrchestration(twoSteps, { name: 'twoSteps', settings });
    await run.start(null, at(0));
    await run.episode([executionSuspended(null)], at(1));
    const end = await run.episode([eventRaised('ignored', 1), executionTerminated('bye')], at(2));
    expect(end.runtimeStatus).toBe('Terminated');
  });

  it('terminates even when the orchestrator fails in the same episode', async () => {
    const broken: OrchestratorFn = function* () {
      yield 42;
    };
    const run = new SdkOrchestration(broken, { name: 'broken', settings });
    const first = await run.start(null, at(0));
    expect(first.runtimeStatus).toBe('Failed');
    const other = new SdkOrchestration(broken, { name: 'broken', settings });
    const end = await other.start(null, at(0), [executionTerminated('stop')]);
    expect(end.runtimeStatus).toBe('Terminated');
  });
});
