import * as df from 'durable-functions';
import { entityResponseMessage, subOrchestrationStarted } from '../../../../../devhost/src/durable/replay';
import { entityRequestId } from '../../../../../devhost/src/durable/replay/entityMessages';
import {
  EventType,
  type ExecutionStartedEvent,
  type HistoryEvent,
} from '../../../../../devhost/src/protocol/history';
import {
  eventRaised,
  executionStarted,
  executionTerminated,
  shapeOf,
  subOrchestrationCompleted,
  subOrchestrationFailed,
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

const settings = testSettings({ activities: ['Work'], orchestrators: ['Child'], entities: ['Counter'] });

function requestOf(input: string | null): Record<string, unknown> {
  return JSON.parse(input ?? '{}') as Record<string, unknown>;
}

describe('entity calls and signals', () => {
  it('sends a signal at call time with its own sequence id, before the activity yielded after it', async () => {
    const signalThenWork: OrchestratorFn = function* (context) {
      context.df.signalEntity(new df.EntityId('Counter', 'k1'), 'add', 5);
      return yield context.df.callActivity('Work');
    };
    const run = new SdkOrchestration(signalThenWork, { name: 'signalThenWork', settings });
    const first = await run.start(null, at(0));
    expect(first.work).toEqual([
      { kind: 'event', targetInstanceId: '@counter@k1', name: 'op', input: expect.any(String) as unknown },
      { kind: 'activity', taskScheduledId: 1, name: 'Work', input: '[null]' },
    ]);
    const signal = first.work[0];
    expect(requestOf(signal?.kind === 'event' ? signal.input : null)).toEqual({
      op: 'add',
      signal: true,
      input: '5',
      id: entityRequestId('execution-1', 0),
      parent: 'instance-1',
      parentExecution: 'execution-1',
      // The message sorter's labels: the episode time, and no earlier message to this entity.
      Timestamp: '2024-01-01T00:00:00Z',
      Predecessor: '0001-01-01T00:00:00',
    });
    const end = await run.episode([taskCompleted(1, 'ok')], at(1));
    expect(withoutEpisodeMarkers(shapeOf(run.history))).toEqual([
      'ExecutionStarted',
      'EventSent#0',
      'TaskScheduled#1',
      'TaskCompleted(1)',
      'ExecutionCompleted#2',
    ]);
    expect(end.runtimeStatus).toBe('Completed');
  });

  it('derives the same request id on every replay, so the response still matches', async () => {
    const call: OrchestratorFn = function* (context) {
      const entity = new df.EntityId('Counter', 'k1');
      const before: unknown = yield context.df.callEntity(entity, 'get');
      context.df.signalEntity(entity, 'reset');
      const after: unknown = yield context.df.callEntity(entity, 'get');
      return [before, after];
    };
    const run = new SdkOrchestration(call, { name: 'call', settings });
    const first = await run.start(null, at(0));
    const firstRequest = requestOf(first.work[0]?.kind === 'event' ? first.work[0].input : null);
    expect(firstRequest).toMatchObject({ op: 'get', id: entityRequestId('execution-1', 0) });
    expect(firstRequest).not.toHaveProperty('signal');
    expect(firstRequest).not.toHaveProperty('input');
    const second = await run.episode([eventRaised(String(firstRequest.id), { result: '3' })], at(1));
    expect(second.work.map((w) => (w.kind === 'event' ? requestOf(w.input).op : w.kind))).toEqual([
      'reset',
      'get',
    ]);
    const getAgain = requestOf(second.work[1]?.kind === 'event' ? second.work[1].input : null);
    expect(getAgain.id).toBe(entityRequestId('execution-1', 2));
    const end = await run.episode([eventRaised(String(getAgain.id), { result: '0' })], at(2));
    expect(JSON.parse(end.output ?? 'null')).toEqual([3, 0]);
    expect(withoutEpisodeMarkers(shapeOf(run.history))).toEqual([
      'ExecutionStarted',
      'EventSent#0',
      'EventRaised',
      'EventSent#1',
      'EventSent#2',
      'EventRaised',
      'ExecutionCompleted#3',
    ]);
  });

  it('surfaces an entity operation error to the orchestrator as the SDK does', async () => {
    const call: OrchestratorFn = function* (context) {
      try {
        yield context.df.callEntity(new df.EntityId('Counter', 'k1'), 'explode');
        return 'no error';
      } catch (error) {
        return `caught: ${(error as Error).message}`;
      }
    };
    const run = new SdkOrchestration(call, { name: 'call', settings });
    const first = await run.start(null, at(0));
    const id = String(requestOf(first.work[0]?.kind === 'event' ? first.work[0].input : null).id);
    const response = entityResponseMessage({ result: '"kaboom"', exceptionType: 'Error' });
    const end = await run.episode([{ ...eventRaised(id, null), Input: response }], at(1));
    expect(end.output).toBe('"caught: kaboom"');
  });

  it('fails the instance when a signal names an entity the app did not register, as the extension does', async () => {
    const run = new SdkOrchestration(
      function* (context) {
        context.df.signalEntity(new df.EntityId('Ghost', 'k'), 'boo');
        yield context.df.callActivity('Work');
      },
      { name: 'haunted', settings },
    );
    const end = await run.start(null, at(0));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toMatch(/^Orchestrator function 'haunted' failed: The function 'ghost' doesn't exist/);
    expect(end.output).toContain("'Counter'");
    expect(end.work).toEqual([]);
  });
});

describe('sub-orchestrations', () => {
  it("generates the child id from the parent's execution id and the sequence id when none is given", async () => {
    const noId: OrchestratorFn = function* (context) {
      yield context.df.callActivity('Work');
      return yield context.df.callSubOrchestrator('Child', { n: 1 });
    };
    const run = new SdkOrchestration(noId, { name: 'noId', settings, executionId: 'exec-42' });
    await run.start(null, at(0));
    const child = await run.episode([taskCompleted(0, null)], at(1));
    expect(child.work).toEqual([
      {
        kind: 'subOrchestration',
        taskScheduledId: 1,
        name: 'Child',
        instanceId: 'exec-42:1',
        input: '{"n":1}',
      },
    ]);
    expect(child.appended).toContainEqual(
      expect.objectContaining({
        EventType: 7,
        EventId: 1,
        Name: 'Child',
        InstanceId: 'exec-42:1',
        Input: null,
      }),
    );
    const end = await run.episode([subOrchestrationCompleted(1, 'child done')], at(2));
    expect(end.output).toBe('"child done"');
  });

  it('gives every retry attempt of an unnamed child a new generated id', async () => {
    const retry: OrchestratorFn = function* (context) {
      return yield context.df.callSubOrchestratorWithRetry('Child', new df.RetryOptions(1000, 2), 'x');
    };
    const run = new SdkOrchestration(retry, { name: 'retry', settings });
    const first = await run.start(null, at(0));
    expect(first.work).toEqual([
      {
        kind: 'subOrchestration',
        taskScheduledId: 0,
        name: 'Child',
        instanceId: 'execution-1:0',
        input: '"x"',
      },
    ]);
    await run.episode([subOrchestrationFailed(0, "Orchestrator function 'Child' failed: no")], at(1));
    const second = await run.episode([timerFired(1, at(2))], at(2));
    expect(second.work).toEqual([
      {
        kind: 'subOrchestration',
        taskScheduledId: 2,
        name: 'Child',
        instanceId: 'execution-1:2',
        input: '"x"',
      },
    ]);
    const end = await run.episode([subOrchestrationCompleted(2, 'ok')], at(3));
    expect(end.output).toBe('"ok"');
  });

  it("lets the parent catch a child's failure with the child's reason", async () => {
    const parent: OrchestratorFn = function* (context) {
      try {
        yield context.df.callSubOrchestrator('Child', null, 'child-1');
        return 'fine';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const run = new SdkOrchestration(parent, { name: 'parent', settings });
    await run.start(null, at(0));
    const end = await run.episode(
      [subOrchestrationFailed(0, "Orchestrator function 'Child' failed: bad")],
      at(1),
    );
    expect(JSON.parse(end.output ?? 'null')).toMatch(
      /^Orchestrator function 'Child' failed: bad \n Message:/,
    );
  });

  it('fails with a clear message when the child id equals the caller id, where Azure would hang', async () => {
    const selfCall: OrchestratorFn = function* (context) {
      return yield context.df.callSubOrchestrator('Child', null, context.df.instanceId.toUpperCase());
    };
    const end = await new SdkOrchestration(selfCall, { name: 'selfCall', settings }).start(null, at(0));
    expect(end.runtimeStatus).toBe('Failed');
    expect(end.output).toContain('must be different than the instance ID of a parent orchestration');
  });

  describe('parent notification', () => {
    const childFn = (outcome: 'ok' | 'throw'): OrchestratorFn =>
      function* (context) {
        yield context.df.callActivity('Work');
        if (outcome === 'throw') throw new Error('child broke');
        return 'child result';
      };

    async function runChild(outcome: 'ok' | 'throw' | 'terminate') {
      const child = new SdkOrchestration(childFn(outcome === 'ok' ? 'ok' : 'throw'), {
        name: 'Child',
        settings,
        instanceId: 'child-1',
        executionId: 'child-exec',
      });
      const started = executionStarted({
        name: 'Child',
        instanceId: 'child-1',
        executionId: 'child-exec',
        parent: {
          Name: 'parent',
          Version: null,
          TaskScheduleId: 0,
          OrchestrationInstance: { InstanceId: 'instance-1', ExecutionId: 'execution-1' },
        },
      });
      await child.episode([started], at(1));
      const last = outcome === 'terminate' ? executionTerminated('stopped') : taskCompleted(0, null);
      return child.episode([last], at(2));
    }

    const parent: OrchestratorFn = function* (context) {
      try {
        return yield context.df.callSubOrchestrator('Child', null, 'child-1');
      } catch (error) {
        return `caught: ${(error as Error).message}`;
      }
    };

    async function deliverToParent(notification: HistoryEvent | undefined) {
      const run = new SdkOrchestration(parent, { name: 'parent', settings });
      await run.start(null, at(0));
      if (notification === undefined) throw new Error('no notification');
      return run.episode([notification], at(3));
    }

    it("sends the child's result to the parent's execution when the child completes", async () => {
      const end = await runChild('ok');
      expect(end.parentNotification).toEqual({
        instanceId: 'instance-1',
        executionId: 'execution-1',
        event: expect.objectContaining({
          EventType: 8,
          TaskScheduledId: 0,
          Result: '"child result"',
        }) as unknown,
      });
      expect((await deliverToParent(end.parentNotification?.event)).output).toBe('"child result"');
    });

    it("sends the child's failure reason and details, which the parent can catch", async () => {
      const end = await runChild('throw');
      expect(end.parentNotification?.event).toMatchObject({
        EventType: 9,
        Reason: "Orchestrator function 'Child' failed: child broke",
        Details: 'Message: child broke, StackTrace: ',
      });
      const parentEnd = await deliverToParent(end.parentNotification?.event);
      expect(JSON.parse(parentEnd.output ?? 'null')).toBe(
        "caught: Orchestrator function 'Child' failed: child broke \n Message: child broke, StackTrace: ",
      );
    });

    it('sends no details for a terminated child, so a JS parent fails to read it, as on Azure', async () => {
      const end = await runChild('terminate');
      expect(end.parentNotification?.event).toMatchObject({ EventType: 9, Reason: 'stopped', Details: null });
      const parentEnd = await deliverToParent(end.parentNotification?.event);
      expect(parentEnd.runtimeStatus).toBe('Failed');
      expect(parentEnd.output).toMatch(/could not parse its exception data/);
    });

    it('sends nothing for a top-level orchestration', async () => {
      const run = new SdkOrchestration(childFn('ok'), { name: 'Child', settings });
      await run.start(null, at(0));
      expect((await run.episode([taskCompleted(0, null)], at(1))).parentNotification).toBeUndefined();
    });
  });

  it("starts the child from the parent's work and routes its result back to the waiting parent", async () => {
    const parent = new SdkOrchestration(
      function* (context) {
        return yield context.df.callSubOrchestrator('Child', { n: 2 });
      },
      { name: 'parent', settings },
    );
    const first = await parent.start(null, at(0));
    const work = first.work[0];
    const parentStarted = parent.history.find(
      (e): e is ExecutionStartedEvent => e.EventType === EventType.ExecutionStarted,
    );
    if (work?.kind !== 'subOrchestration' || parentStarted === undefined) throw new Error('expected a child');
    const childStarted = subOrchestrationStarted(parentStarted, work, {
      executionId: 'child-exec',
      now: at(1),
    });
    expect(childStarted).toMatchObject({
      OrchestrationInstance: { InstanceId: 'execution-1:0', ExecutionId: 'child-exec' },
      ParentInstance: {
        Name: 'parent',
        TaskScheduleId: 0,
        OrchestrationInstance: { InstanceId: 'instance-1', ExecutionId: 'execution-1' },
      },
      Name: 'Child',
      Input: '{"n":2}',
    });
    const child = new SdkOrchestration(
      function* (context) {
        const n = context.df.getInput<{ n: number }>().n;
        yield* [];
        return n * 10;
      },
      { name: 'Child', settings, instanceId: 'execution-1:0', executionId: 'child-exec' },
    );
    const childEnd = await child.episode([childStarted], at(1));
    expect(childEnd.parentNotification?.instanceId).toBe('instance-1');
    const parentEnd = await parent.episode([childEnd.parentNotification?.event as HistoryEvent], at(2));
    expect(parentEnd.output).toBe('20');
  });
});
