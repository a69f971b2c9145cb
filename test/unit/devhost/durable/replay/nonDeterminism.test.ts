import * as df from 'durable-functions';
import { taskCompleted } from '../../../../support/durableEvents';
import { at, SdkOrchestration, testSettings, type OrchestratorFn } from '../../../../support/sdkOrchestrator';

const settings = testSettings({
  activities: ['ReserveStock', 'reservestock', 'ChargeCard', 'Ship'],
  entities: ['audit'],
});

const v1: OrchestratorFn = function* (context) {
  yield context.df.callActivity('ReserveStock');
  yield context.df.callActivity('ChargeCard');
  return 'done';
};

/** Runs v1 until ChargeCard is scheduled, then swaps in new code and delivers ChargeCard's result. */
async function replayWithChangedCode(changed: OrchestratorFn) {
  const run = new SdkOrchestration(v1, { name: 'order', settings });
  await run.start(null, at(0));
  await run.episode([taskCompleted(0, null)], at(1));
  run.fn = changed;
  return run.episode([taskCompleted(1, null)], at(2));
}

describe('non-determinism', () => {
  it('fails when the code now schedules another activity name at a replayed id', async () => {
    const end = await replayWithChangedCode(function* (context) {
      yield context.df.callActivity('ReserveStock');
      yield context.df.callActivity('Ship');
      return 'done';
    });
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toBe(
      'Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task ' +
        "with sequence number 1 named 'ChargeCard', but the current orchestration replay instead scheduled an " +
        "activity task named 'Ship' with this sequence number. Was a change made to the orchestrator code after " +
        'this instance had already started running?',
    );
    expect(end.nonDeterminism).toEqual({
      sequenceId: 1,
      expected: "activity 'ChargeCard'",
      found: "activity 'Ship'",
    });
    expect(end.work).toEqual([]);
  });

  it('accepts a name that differs only in case, as the extension compares names case-insensitively', async () => {
    const end = await replayWithChangedCode(function* (context) {
      yield context.df.callActivity('reservestock');
      yield context.df.callActivity('ChargeCard');
      return 'done';
    });
    expect(end.runtimeStatus).toBe('Completed');
  });

  it('fails when the code now produces another kind of action at a replayed id', async () => {
    const end = await replayWithChangedCode(function* (context) {
      yield context.df.callActivity('ReserveStock');
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
      return 'done';
    });
    expect(end.nonDeterminism).toMatchObject({
      sequenceId: 1,
      expected: "activity 'ChargeCard'",
      found: expect.stringMatching(/^timer firing at /) as unknown,
    });
    expect(end.output).toMatch(
      /^Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 1 named 'ChargeCard', but the current orchestration replay instead produced a CreateTimerOrchestratorAction action \(timer firing at .*\) with this sequence number\./,
    );
  });

  it('fails when the code no longer schedules an action that history has', async () => {
    const end = await replayWithChangedCode(function* (context) {
      yield context.df.callActivity('ReserveStock');
      yield context.df.waitForExternalEvent('Paid');
      return 'done';
    });
    expect(end.output).toBe(
      'Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task ' +
        "with sequence ID 1 and name 'ChargeCard' (version ''), but the current replay execution hasn't (yet?) " +
        'scheduled this task. Was a change made to the orchestrator code after this instance had already started running?',
    );
  });

  it('fails when an extra action inserted before replayed ones shifts their ids', async () => {
    const end = await replayWithChangedCode(function* (context) {
      context.df.signalEntity(new df.EntityId('audit', 'a'), 'started');
      yield context.df.callActivity('ReserveStock');
      yield context.df.callActivity('ChargeCard');
      return 'done';
    });
    expect(end.output).toMatch(
      /^Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'ReserveStock', but the current orchestration replay instead produced a SendEventOrchestratorAction action \(event 'op' to '@audit@a'\)/,
    );
  });
});
