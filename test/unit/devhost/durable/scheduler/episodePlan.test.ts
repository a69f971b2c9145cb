import {
  EventType,
  type HistoryEvent,
  type RuntimeStatus,
} from '../../../../../devhost/src/protocol/history';
import {
  planEpisode,
  REWIND_PREFIX,
  rewindHistory,
} from '../../../../../devhost/src/durable/scheduler/episodePlan';
import type {
  OrchestrationWorkItem,
  StoredInstance,
  TaskMessage,
} from '../../../../../devhost/src/store/taskHubStore';

const T = '2030-01-01T00:00:00.000Z';
const base = { EventId: -1, IsPlayed: false, Timestamp: T };
const started: HistoryEvent = {
  ...base,
  EventType: EventType.ExecutionStarted,
  OrchestrationInstance: { InstanceId: 'i1', ExecutionId: 'e1' },
  ParentInstance: null,
  Name: 'Orch',
  Version: null,
  Input: null,
  Tags: null,
  Correlation: null,
  ScheduledStartTime: null,
  Generation: 0,
};

function row(status: RuntimeStatus, executionId = 'e1'): StoredInstance {
  return {
    instanceId: 'i1',
    executionId,
    name: 'Orch',
    version: null,
    input: null,
    output: null,
    customStatus: null,
    runtimeStatus: status,
    createdTime: T,
    lastUpdatedTime: T,
    completedTime: null,
    scheduledStartTime: null,
    generation: 0,
    parentInstanceId: null,
    etag: '1',
  };
}

function item(
  instance: StoredInstance | undefined,
  history: HistoryEvent[],
  messages: TaskMessage[],
): OrchestrationWorkItem {
  return {
    instanceId: 'i1',
    instance,
    history,
    historyExecutionId: history.length ? 'e1' : undefined,
    historyEtag: history.length ? '1' : undefined,
    lockToken: 't',
    lockedUntil: 0,
    messages: messages.map((message, i) => ({
      messageId: `m${i}`,
      receipt: 'r',
      dequeueCount: 1,
      insertedAt: 0,
      message,
    })),
  };
}

const to = (event: HistoryEvent, executionId: string | null = null): TaskMessage => ({
  event,
  orchestrationInstance: { InstanceId: 'i1', ExecutionId: executionId },
});
const raised = (name: string): HistoryEvent => ({
  ...base,
  EventType: EventType.EventRaised,
  Name: name,
  Input: null,
});

describe('planEpisode', () => {
  it('discards messages for an instance that does not exist', () => {
    expect(planEpisode(item(undefined, [], [to(raised('x'))]), T).kind).toBe('discard');
  });

  it('runs a new instance with its start message', () => {
    const plan = planEpisode(item(row('Pending'), [], [to(started, 'e1')]), T);
    expect(plan).toMatchObject({ kind: 'run', executionId: 'e1', history: [], newEvents: [started] });
  });

  it('drops a stale start and events addressed to another execution', () => {
    const old = { ...started, OrchestrationInstance: { InstanceId: 'i1', ExecutionId: 'e0' } };
    const plan = planEpisode(
      item(row('Running'), [started], [to(old, 'e0'), to(raised('old'), 'e0'), to(raised('now'))]),
      T,
    );
    expect(plan.kind).toBe('run');
    if (plan.kind === 'run') {
      expect(plan.newEvents).toEqual([raised('now')]);
      expect(plan.dropped).toHaveLength(2);
    }
  });

  it('discards messages for a finished instance', () => {
    expect(planEpisode(item(row('Completed'), [started], [to(raised('late'))]), T)).toMatchObject({
      kind: 'discard',
    });
  });

  it('passes terminate, suspend and resume on to the episode as events, in order', () => {
    const terminate: HistoryEvent = { ...base, EventType: EventType.ExecutionTerminated, Input: 'stop' };
    const suspend: HistoryEvent = { ...base, EventType: EventType.ExecutionSuspended, Reason: null };
    const resume: HistoryEvent = { ...base, EventType: EventType.ExecutionResumed, Reason: null };
    const plan = planEpisode(
      item(row('Suspended'), [started], [to(resume), to(suspend), to(raised('a')), to(terminate)]),
      T,
    );
    expect(plan).toMatchObject({ kind: 'run', newEvents: [resume, suspend, raised('a'), terminate] });
  });

  it('reopens a failed instance on a rewind request', () => {
    const rewind: HistoryEvent = { ...base, EventType: EventType.GenericEvent, Data: `${REWIND_PREFIX}why` };
    const plan = planEpisode(item(row('Failed'), [started], [to(rewind, 'e1')]), T);
    expect(plan).toMatchObject({ kind: 'run', rewritten: true, newEvents: [rewind] });
  });
});

describe('rewindHistory', () => {
  it('turns the failure and each failed call with its scheduling event into GenericEvents', () => {
    const history: HistoryEvent[] = [
      started,
      { ...base, EventType: EventType.TaskScheduled, EventId: 0, Name: 'Ok', Version: null, Input: null },
      { ...base, EventType: EventType.TaskCompleted, TaskScheduledId: 0, Result: '1' },
      { ...base, EventType: EventType.TaskScheduled, EventId: 1, Name: 'Bad', Version: null, Input: null },
      {
        ...base,
        EventType: EventType.TaskFailed,
        TaskScheduledId: 1,
        Reason: 'r',
        Details: 'd',
        FailureDetails: null,
      },
      {
        ...base,
        EventType: EventType.ExecutionCompleted,
        EventId: 2,
        OrchestrationStatus: 3,
        Result: 'r',
        FailureDetails: null,
      },
    ];
    expect(rewindHistory(history, T).map((e) => EventType[e.EventType])).toEqual([
      'ExecutionStarted',
      'TaskScheduled',
      'TaskCompleted',
      'GenericEvent',
      'GenericEvent',
      'GenericEvent',
    ]);
  });
});
