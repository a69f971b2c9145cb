import { shapeOf, taskCompleted, taskFailed } from '../../../../support/durableEvents';
import {
  at,
  SdkOrchestration,
  testSettings,
  withoutEpisodeMarkers,
  type OrchestratorFn,
} from '../../../../support/sdkOrchestrator';

const settings = testSettings({ activities: ['A', 'B', 'Compensate'] });

describe('blocking order of the extension walk', () => {
  it('schedules what follows a caught fan-out failure only after every child finished', async () => {
    const saga: OrchestratorFn = function* (context) {
      try {
        yield context.df.Task.all([context.df.callActivity('A'), context.df.callActivity('B')]);
        return 'all done';
      } catch {
        yield context.df.callActivity('Compensate');
        return 'compensated';
      }
    };
    const run = new SdkOrchestration(saga, { name: 'saga', settings });
    await run.start(null, at(0));
    const aFailed = await run.episode([taskFailed(0, 'A broke')], at(1));
    // The SDK already asks for Compensate; the extension is still awaiting Task.WhenAll(A, B).
    expect(run.replies[1]).toMatchObject({
      kind: 'state',
      state: { actions: [[{ actionType: 12 }, { functionName: 'Compensate' }]] },
    });
    expect(aFailed.work).toEqual([]);
    const bDone = await run.episode([taskCompleted(1, 'B ok')], at(2));
    expect(bDone.work).toEqual([
      { kind: 'activity', taskScheduledId: 2, name: 'Compensate', input: '[null]' },
    ]);
    const end = await run.episode([taskCompleted(2, null)], at(3));
    expect(end.output).toBe('"compensated"');
    expect(withoutEpisodeMarkers(shapeOf(run.history))).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskScheduled#1',
      'TaskFailed(0)',
      'TaskCompleted(1)',
      'TaskScheduled#2',
      'TaskCompleted(2)',
      'ExecutionCompleted#3',
    ]);
  });

  it('re-schedules a task that is yielded again inside a later Task.all, as the extension does', async () => {
    // Known divergence on Azure (docs/protocol.md §5): the re-sent action takes a new id in the
    // extension while the SDK keeps the old one, so the SDK later waits on an id whose result never
    // comes. devhost reproduces the extension's numbering rather than hiding it.
    const reuse: OrchestratorFn = function* (context) {
      const a = context.df.callActivity('A');
      yield a;
      return yield context.df.Task.all([a, context.df.callActivity('B')]);
    };
    const run = new SdkOrchestration(reuse, { name: 'reuse', settings });
    await run.start(null, at(0));
    const second = await run.episode([taskCompleted(0, 'a')], at(1));
    expect(second.work).toEqual([
      { kind: 'activity', taskScheduledId: 1, name: 'A', input: '[null]' },
      { kind: 'activity', taskScheduledId: 2, name: 'B', input: '[null]' },
    ]);
  });
});
