import * as df from 'durable-functions';
import { ActionType, type OrchestratorState } from '../../../../../devhost/src/protocol/actions';
import { EventType } from '../../../../../devhost/src/protocol/history';
import { processEpisode, sdkReplyFromOutcome } from '../../../../../devhost/src/durable/replay';
import type { EpisodeInput } from '../../../../../devhost/src/durable/replay/types';
import {
  executionStarted,
  executionTerminated,
  shapeOf,
  taskCompleted,
  timerFired,
} from '../../../../support/durableEvents';
import {
  at,
  SdkOrchestration,
  testSettings,
  withoutEpisodeMarkers,
  type OrchestratorFn,
} from '../../../../support/sdkOrchestrator';

const settings = testSettings({
  activities: ['Work', 'Charge'],
  entities: ['audit'],
  orchestrators: ['plain'],
});

function firstEpisode(name = 'plain'): EpisodeInput {
  return {
    instanceId: 'i1',
    executionId: 'e1',
    history: [],
    newEvents: [executionStarted({ name, instanceId: 'i1', executionId: 'e1' })],
    now: at(0),
    settings,
  };
}

function state(partial: Partial<OrchestratorState>): OrchestratorState {
  return { isDone: false, actions: [[]], schemaVersion: 2, ...partial };
}

describe('orchestrator failures', () => {
  it('still schedules the actions recorded before the throw, then fails with the extension reason', async () => {
    const throwsAfterSignal: OrchestratorFn = function* (context) {
      yield context.df.callActivity('Work');
      context.df.signalEntity(new df.EntityId('audit', 'a'), 'failed');
      throw new Error('payment declined by bug');
    };
    const run = new SdkOrchestration(throwsAfterSignal, { name: 'checkout', settings });
    await run.start(null, at(0));
    const end = await run.episode([taskCompleted(0, null)], at(1));
    expect(run.replies[1]).toMatchObject({ kind: 'thrown' });
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toBe("Orchestrator function 'checkout' failed: payment declined by bug");
    expect(end.failureReason).toBe(end.output);
    expect(end.work).toEqual([expect.objectContaining({ kind: 'event', targetInstanceId: '@audit@a' })]);
    expect(withoutEpisodeMarkers(shapeOf(end.appended))).toEqual([
      'TaskCompleted(0)',
      'EventSent#1',
      'ExecutionCompleted#2',
    ]);
    expect(end.appended[3]).toMatchObject({
      OrchestrationStatus: 3,
      Result: "Orchestrator function 'checkout' failed: payment declined by bug",
      FailureDetails: null,
    });
  });

  it('fails with the message of an error thrown without the SDK state', () => {
    const end = processEpisode(firstEpisode(), sdkReplyFromOutcome({ thrown: new Error('worker crashed') }));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toBe("Orchestrator function 'plain' failed: worker crashed");
    expect(shapeOf(end.appended)).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted',
      'ExecutionCompleted#0',
      'OrchestratorCompleted',
    ]);
  });

  it('fails a reply whose actions are not one list, naming the schema rule', () => {
    const end = processEpisode(firstEpisode(), { kind: 'state', state: state({ actions: [[], []] }) });
    expect(end.output).toContain('expected actions array to be of length 1');
  });

  it('keeps an instance Running when the reply is not done and has no error, as a non-Error throw does', () => {
    const end = processEpisode(firstEpisode(), { kind: 'state', state: state({}) });
    expect(end.runtimeStatus).toBe('Running');
    expect(shapeOf(end.appended)).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted',
      'OrchestratorCompleted',
    ]);
  });

  it('waits for open tasks before failing, as DTF completes nothing while a task is open', async () => {
    const failFast: OrchestratorFn = function* (context) {
      yield context.df.Task.any([
        context.df.callActivity('Charge'),
        context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000)),
      ]);
      throw new Error('too slow');
    };
    const run = new SdkOrchestration(failFast, { name: 'failFast', settings });
    await run.start(null, at(0));
    const timedOut = await run.episode([timerFired(1, at(1))], at(1));
    expect(timedOut.runtimeStatus).toBe('Running');
    const end = await run.episode([taskCompleted(0, null)], at(9));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toBe("Orchestrator function 'failFast' failed: too slow");
  });

  it('fails the instance once the custom status reaches 17 whole KB of UTF-16, as the extension counts', () => {
    // JSON of a string adds two quotes; 8,704 UTF-16 characters are 17 KB exactly.
    const atLimit = processEpisode(firstEpisode(), {
      kind: 'state',
      state: state({ customStatus: 'x'.repeat(8701) }),
    });
    expect(atLimit.runtimeStatus).toBe('Running');
    const over = processEpisode(firstEpisode(), {
      kind: 'state',
      state: state({ customStatus: 'x'.repeat(8702) }),
    });
    expect(over.runtimeStatus).toBe('Failed');
    expect(over.output).toBe(
      "Orchestrator function 'plain' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. " +
        'The current payload size is 17 KB.',
    );
  });

  it('records the bare message of a host-side exception while re-playing a thrown state, as the extension does', async () => {
    const throwsAfterBadSignal: OrchestratorFn = function* (context) {
      yield context.df.callActivity('Work');
      context.df.signalEntity(new df.EntityId('nobody', 'k'), 'hello');
      throw new Error('after the signal');
    };
    const run = new SdkOrchestration(throwsAfterBadSignal, { name: 'badSignal', settings });
    await run.start(null, at(0));
    const end = await run.episode([taskCompleted(0, null)], at(1));
    expect(end.output).toBe(
      "The function 'nobody' doesn't exist, is disabled, or is not an entity function. Additional info: " +
        "The following are the known entity functions: 'audit'.",
    );
  });

  it('reports the custom status as JSON text', () => {
    const end = processEpisode(firstEpisode(), {
      kind: 'state',
      state: state({ customStatus: { step: 2 } }),
    });
    expect(end.customStatus).toBe('{"step":2}');
    const none = processEpisode(firstEpisode(), { kind: 'state', state: state({}) });
    expect(none.customStatus).toBeNull();
  });

  it('fails entity lock actions with an unexpected-action-type message, as the pinned extension does', () => {
    const end = processEpisode(firstEpisode(), {
      kind: 'state',
      state: state({
        actions: [
          [
            {
              actionType: ActionType.LockEntities,
              lockSet: [{ name: 'audit', key: 'a' }],
              lockRequestId: 'r',
            },
          ],
        ],
      }),
    });
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toBe(
      "Orchestrator function 'plain' failed: Received an unexpected action type from the out-of-proc function: '$13'.",
    );
    expect(end.warnings.join('\n')).toMatch(/locks need replay schema V4/);
  });

  it("lets the SDK's own lock() fail the orchestration, since the host advertises schema V3", async () => {
    const locking: OrchestratorFn = function* (context) {
      yield context.df.lock([new df.EntityId('audit', 'a')]);
    };
    const end = await new SdkOrchestration(locking, { name: 'locking', settings }).start(null, at(0));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toMatch(/^Orchestrator function 'locking' failed: /);
  });

  it('fails an unknown activity with a message naming it and the registered ones, and warns', async () => {
    const typo: OrchestratorFn = function* (context) {
      yield context.df.callActivity('Wrok');
    };
    const end = await new SdkOrchestration(typo, { name: 'typo', settings }).start(null, at(0));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toBe(
      "Orchestrator function 'typo' failed: The function 'Wrok' doesn't exist, is disabled, or is not an activity " +
        "function. Additional info: The following are the known activity functions: 'Work', 'Charge'.",
    );
    expect(end.warnings.join('\n')).toMatch(/unknown activity.*devhost fails it instead/);
  });

  it('finds activity names case-insensitively, as the extension does', async () => {
    const shouty: OrchestratorFn = function* (context) {
      return yield context.df.callActivity('WORK');
    };
    const first = await new SdkOrchestration(shouty, { name: 'shouty', settings }).start(null, at(0));
    expect(first.work).toEqual([{ kind: 'activity', taskScheduledId: 0, name: 'WORK', input: '[null]' }]);
  });

  it('terminates without running the reply when a termination is delivered', () => {
    const input = {
      ...firstEpisode(),
      newEvents: [...firstEpisode().newEvents, executionTerminated('stop it')],
    };
    const end = processEpisode(input, { kind: 'state', state: state({}) });
    expect(end.runtimeStatus).toBe('Terminated');
    expect(end.output).toBe('stop it');
    expect(end.appended.find((e) => e.EventType === EventType.ExecutionCompleted)).toMatchObject({
      OrchestrationStatus: 5,
      Result: 'stop it',
    });
  });

  it('fails an instance whose orchestrator is not registered, as the extension does before running it', () => {
    const input = { ...firstEpisode('Missing') };
    const end = processEpisode(input, { kind: 'thrown', message: 'not invoked' });
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toBe(
      "Orchestrator function 'Missing' failed: The function 'Missing' doesn't exist, is disabled, or is not an " +
        "orchestrator function. Additional info: The following are the known orchestrator functions: 'plain'.",
    );
  });
});
