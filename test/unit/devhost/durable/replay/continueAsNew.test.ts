import { EventType, type ExecutionStartedEvent } from '../../../../../devhost/src/protocol/history';
import { nextGenerationEvents } from '../../../../../devhost/src/durable/replay';
import { eventRaised, shapeOf, taskCompleted, timerFired } from '../../../../support/durableEvents';
import {
  at,
  SdkOrchestration,
  testSettings,
  withoutEpisodeMarkers,
  type OrchestratorFn,
} from '../../../../support/sdkOrchestrator';

const settings = testSettings({ activities: ['Work'] });

/** Adds each "add" event to a running total, one event per generation. */
const accumulator: OrchestratorFn = function* (context) {
  const total = context.df.getInput<number>();
  context.df.setCustomStatus({ total });
  const add = (yield context.df.waitForExternalEvent('add')) as number;
  context.df.continueAsNew(total + add);
};

describe('continue-as-new', () => {
  it('ends the execution with ContinueAsNew taking the next id and carries over events raised after it', async () => {
    const run = new SdkOrchestration(accumulator, { name: 'accumulator', settings });
    await run.start(1, at(0));
    const end = await run.episode(
      [eventRaised('add', 2), eventRaised('add', 3), eventRaised('other', 4)],
      at(1),
    );
    expect(end.runtimeStatus).toBe('ContinuedAsNew');
    expect(shapeOf(end.appended)).toEqual([
      'OrchestratorStarted',
      'EventRaised',
      'EventRaised',
      'EventRaised',
      'ContinueAsNew#0',
      'OrchestratorCompleted',
    ]);
    expect(end.appended[4]).toMatchObject({ OrchestrationStatus: 2, Result: '3' });
    expect(end.continueAsNew?.input).toBe('3');
    expect(end.continueAsNew?.carryOver.map((e) => [e.Name, e.Input, e.IsPlayed])).toEqual([
      ['add', '3', false],
      ['other', '4', false],
    ]);
    expect(end.customStatus).toBe('{"total":1}');
  });

  it('drops events that arrived before the continue-as-new and were never consumed', async () => {
    const run = new SdkOrchestration(
      function* (context) {
        yield context.df.callActivity('Work');
        context.df.continueAsNew(null);
      },
      { name: 'restart', settings },
    );
    await run.start(null, at(0));
    const end = await run.episode(
      [eventRaised('early', 1), taskCompleted(0, null), eventRaised('late', 2)],
      at(1),
    );
    expect(end.continueAsNew?.carryOver.map((e) => e.Name)).toEqual(['late']);
    expect(end.continueAsNew?.input).toBeNull();
  });

  it('starts the next generation with a fresh execution whose first episode consumes the carried events', async () => {
    const run = new SdkOrchestration(accumulator, { name: 'accumulator', settings });
    await run.start(1, at(0));
    const end = await run.episode([eventRaised('add', 2), eventRaised('add', 3)], at(1));
    const previous = run.history.find(
      (e): e is ExecutionStartedEvent => e.EventType === EventType.ExecutionStarted,
    );
    if (previous === undefined || end.continueAsNew === undefined)
      throw new Error('expected continue-as-new');
    const [started, ...carried] = nextGenerationEvents(previous, {
      executionId: 'execution-2',
      input: end.continueAsNew.input,
      carryOver: end.continueAsNew.carryOver,
      now: at(1),
    });
    expect(started).toMatchObject({
      Name: 'accumulator',
      Input: '3',
      Generation: 1,
      OrchestrationInstance: { InstanceId: 'instance-1', ExecutionId: 'execution-2' },
    });
    const next = new SdkOrchestration(accumulator, {
      name: 'accumulator',
      settings,
      executionId: 'execution-2',
    });
    const second = await next.episode([started as ExecutionStartedEvent, ...carried], at(1));
    expect(second.runtimeStatus).toBe('ContinuedAsNew');
    expect(second.continueAsNew?.input).toBe('6');
  });

  it("keeps the SDK's extra quoting of a string input, as the extension passes it through", async () => {
    const run = new SdkOrchestration(
      function* (context) {
        context.df.continueAsNew('next');
        yield* [];
      },
      { name: 'stringy', settings },
    );
    const end = await run.start(null, at(0));
    expect(end.continueAsNew?.input).toBe(JSON.stringify(JSON.stringify('next')));
  });

  it('waits for an uncancelled timer before continuing as new, carrying events raised since the decision', async () => {
    const run = new SdkOrchestration(
      function* (context) {
        const tick = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
        const poke = context.df.waitForExternalEvent('poke');
        yield context.df.Task.any([poke, tick]);
        context.df.continueAsNew(null);
      },
      { name: 'looper', settings },
    );
    await run.start(null, at(0));
    const poked = await run.episode([eventRaised('poke', 1), eventRaised('later', 2)], at(10));
    expect(poked.runtimeStatus).toBe('Running');
    const end = await run.episode([eventRaised('after', 3), timerFired(0, at(60))], at(60));
    expect(end.runtimeStatus).toBe('ContinuedAsNew');
    expect(end.continueAsNew?.carryOver.map((e) => e.Name)).toEqual(['later', 'after']);
    expect(withoutEpisodeMarkers(shapeOf(end.appended))).toEqual([
      'EventRaised',
      'TimerFired(0)',
      'ContinueAsNew#1',
    ]);
  });
});
