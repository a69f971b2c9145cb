import { processEpisode } from '../../../../../devhost/src/durable/replay';
import {
  EventType,
  type HistoryEvent,
  type TaskCompletedEvent,
} from '../../../../../devhost/src/protocol/history';
import { acceptDeliveredEvents } from '../../../../../devhost/src/durable/replay/deliveredEvents';
import {
  eventRaised,
  executionStarted,
  shapeOf,
  taskCompleted,
  timerFired,
} from '../../../../support/durableEvents';
import { at, SdkOrchestration, testSettings, type OrchestratorFn } from '../../../../support/sdkOrchestrator';

const settings = testSettings({ activities: ['Work'], orchestrators: ['o'] });
const started = executionStarted({ name: 'o', instanceId: 'i1', executionId: 'e1' });

describe('delivered events', () => {
  it('drops a redelivered completion of a task that already completed, with a warning', async () => {
    const twice: OrchestratorFn = function* (context) {
      yield context.df.callActivity('Work');
      yield context.df.callActivity('Work');
    };
    const run = new SdkOrchestration(twice, { name: 'twice', settings });
    await run.start(null, at(0));
    await run.episode([taskCompleted(0, 1)], at(1));
    const again = await run.episode([taskCompleted(0, 1)], at(2));
    expect(shapeOf(again.appended)).toEqual(['OrchestratorStarted', 'OrchestratorCompleted']);
    expect(again.warnings).toEqual([expect.stringContaining('Duplicate TaskCompleted event for task 0')]);
    expect(again.runtimeStatus).toBe('Running');
  });

  it('tells completions of tasks scheduled long before apart from repeats and unknown ids', () => {
    const scheduled = (id: number): HistoryEvent => ({
      EventType: EventType.TaskScheduled,
      EventId: id,
      IsPlayed: true,
      Timestamp: at(id),
      Name: 'Work',
      Version: null,
      Input: null,
    });
    // Tasks 0-9 scheduled one after the other, 2 and 8 completed along the way.
    const history: HistoryEvent[] = [started];
    for (let id = 0; id < 10; id++) {
      history.push(scheduled(id));
      if (id === 3) history.push(taskCompleted(2, 'two', at(id)));
      if (id === 9) history.push(taskCompleted(8, 'eight', at(id)));
    }
    const { accepted, warnings } = acceptDeliveredEvents({
      instanceId: 'i1',
      executionId: 'e1',
      history,
      newEvents: [
        taskCompleted(2, 'again'),
        taskCompleted(0, 'zero'),
        taskCompleted(8, 'again'),
        taskCompleted(0, 'zero again'),
        taskCompleted(42, 'nobody'),
        taskCompleted(9, 'nine'),
      ],
    });
    expect(accepted.map((event) => (event as TaskCompletedEvent).Result)).toEqual(['"zero"', '"nine"']);
    expect(warnings).toEqual([
      expect.stringContaining('task 2 of instance i1: that task already completed'),
      expect.stringContaining('task 8 of instance i1: that task already completed'),
      expect.stringContaining('task 0 of instance i1: that task already completed'),
      expect.stringContaining('task 42 of instance i1: no such task was scheduled'),
    ]);
  });

  it('drops a completion for an id that was never scheduled', () => {
    const { accepted, warnings } = acceptDeliveredEvents({
      instanceId: 'i1',
      executionId: 'e1',
      history: [started],
      newEvents: [timerFired(7, at(1)), eventRaised('x', 1)],
    });
    expect(shapeOf(accepted)).toEqual(['EventRaised']);
    expect(warnings).toEqual([expect.stringContaining('no such task was scheduled')]);
  });

  it('keeps the firing of a cancelled timer in history but lets it change nothing', async () => {
    const race: OrchestratorFn = function* (context) {
      const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
      const go = context.df.waitForExternalEvent('go');
      const winner: unknown = yield context.df.Task.any([go, timer]);
      if (winner === go) timer.cancel();
      yield context.df.callActivity('Work');
      return 'ok';
    };
    const run = new SdkOrchestration(race, { name: 'race', settings });
    await run.start(null, at(0));
    await run.episode([eventRaised('go', null)], at(0.5));
    expect(run.last.work).toEqual([{ kind: 'activity', taskScheduledId: 1, name: 'Work', input: '[null]' }]);
    const late = await run.episode([timerFired(0, at(1))], at(1));
    expect(shapeOf(late.appended)).toEqual(['OrchestratorStarted', 'TimerFired(0)', 'OrchestratorCompleted']);
    expect(late.warnings).toEqual([expect.stringContaining('Duplicate TimerFired Event: 0')]);
    const end = await run.episode([taskCompleted(1, null)], at(2));
    expect(end.runtimeStatus).toBe('Completed');
  });

  it('marks the events it processed as played in what it appends', () => {
    const end = processEpisode(
      {
        instanceId: 'i1',
        executionId: 'e1',
        history: [],
        newEvents: [started, eventRaised('x', 1)],
        now: at(0),
        settings,
      },
      { kind: 'state', state: { isDone: false, actions: [[]], schemaVersion: 2 } },
    );
    expect(end.appended.map((e) => e.IsPlayed)).toEqual([false, true, true, false]);
  });

  it('moves a start dequeued after an early event back to the front, as DTF does', async () => {
    const waits: OrchestratorFn = function* (context) {
      return yield context.df.waitForExternalEvent('go');
    };
    const run = new SdkOrchestration(waits, { name: 'waits', settings });
    const started = executionStarted({ name: 'waits', instanceId: 'instance-1', executionId: 'execution-1' });
    const end = await run.episode([eventRaised('go', 'early'), started], at(0));
    expect(shapeOf(end.appended)).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted',
      'EventRaised',
      'ExecutionCompleted#0',
      'OrchestratorCompleted',
    ]);
    expect(end.output).toBe('"early"');
  });
});
