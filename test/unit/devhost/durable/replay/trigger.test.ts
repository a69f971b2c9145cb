import { EventType } from '../../../../../devhost/src/protocol/history';
import { buildOrchestrationTrigger } from '../../../../../devhost/src/durable/replay';
import type { EpisodeInput } from '../../../../../devhost/src/durable/replay/types';
import { eventRaised, executionStarted, taskCompleted } from '../../../../support/durableEvents';
import { at, DAY_MS, testSettings } from '../../../../support/sdkOrchestrator';

const started = executionStarted({
  name: 'approval',
  instanceId: 'i1',
  executionId: 'e1',
  input: { orderId: 'o-1' },
  parent: {
    Name: 'parent',
    Version: null,
    TaskScheduleId: 3,
    OrchestrationInstance: { InstanceId: 'parent-1', ExecutionId: 'pe' },
  },
});

function episode(overrides: Partial<EpisodeInput>): EpisodeInput {
  return {
    instanceId: 'i1',
    executionId: 'e1',
    history: [],
    newEvents: [started],
    now: at(0),
    settings: testSettings(),
    ...overrides,
  };
}

describe('buildOrchestrationTrigger', () => {
  it('sends exactly the fields the extension sends, with the schema numbers and TimeSpan strings', () => {
    const payload = buildOrchestrationTrigger(episode({}));
    expect(Object.keys(payload).sort()).toEqual(
      [
        'defaultHttpAsyncRequestSleepTimeMillseconds',
        'history',
        'input',
        'instanceId',
        'isReplaying',
        'longRunningTimerIntervalDuration',
        'maximumShortTimerDuration',
        'parentInstanceId',
        'upperSchemaVersion',
        'upperSchemaVersionNew',
      ].sort(),
    );
    expect(payload).toMatchObject({
      input: { orderId: 'o-1' },
      instanceId: 'i1',
      isReplaying: false,
      parentInstanceId: 'parent-1',
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      maximumShortTimerDuration: '6.00:00:00',
      longRunningTimerIntervalDuration: '3.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    });
  });

  it('puts a new OrchestratorStarted at the episode time before the delivered events', () => {
    const payload = buildOrchestrationTrigger(episode({ now: at(5) }));
    expect(payload.history.map((e) => EventType[e.EventType])).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted',
    ]);
    expect(payload.history[0]).toMatchObject({ EventId: -1, IsPlayed: false, Timestamp: at(5) });
  });

  it('keeps stored IsPlayed on past events, shows new ones unplayed, and replays once ExecutionStarted was played', () => {
    const past = [
      { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: at(0) } as const,
      { ...started, IsPlayed: true },
      {
        EventType: EventType.TaskScheduled,
        EventId: 0,
        IsPlayed: false,
        Timestamp: at(0),
        Name: 'a',
        Version: '',
        Input: null,
      } as const,
      { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: at(0) } as const,
    ];
    const payload = buildOrchestrationTrigger(
      episode({ history: past, newEvents: [{ ...taskCompleted(0, 1), IsPlayed: true }], now: at(1) }),
    );
    expect(payload.isReplaying).toBe(true);
    expect(payload.history.map((e) => e.IsPlayed)).toEqual([false, true, false, false, false, false]);
  });

  it('passes input that is not JSON through as a string and a missing input as null', () => {
    expect(buildOrchestrationTrigger(episode({ newEvents: [{ ...started, Input: 'not json' }] })).input).toBe(
      'not json',
    );
    expect(buildOrchestrationTrigger(episode({ newEvents: [{ ...started, Input: null }] })).input).toBeNull();
  });

  it('formats the timer settings from the settings, not constants', () => {
    const settings = {
      ...testSettings(),
      maximumShortTimerMs: 7 * DAY_MS + 1500,
      longRunningTimerIntervalMs: 3_600_000,
    };
    const payload = buildOrchestrationTrigger(episode({ settings }));
    expect(payload.maximumShortTimerDuration).toBe('7.00:00:01.5000000');
    expect(payload.longRunningTimerIntervalDuration).toBe('01:00:00');
  });

  it('drops a second ExecutionStarted and an ExecutionStarted of another execution', () => {
    const payload = buildOrchestrationTrigger(
      episode({
        newEvents: [
          started,
          { ...started, OrchestrationInstance: { InstanceId: 'i1', ExecutionId: 'other' } },
          started,
          eventRaised('go', 1),
        ],
      }),
    );
    expect(payload.history.map((e) => EventType[e.EventType])).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted',
      'EventRaised',
    ]);
  });

  it('refuses an episode without any ExecutionStarted, naming the instance', () => {
    expect(() => buildOrchestrationTrigger(episode({ newEvents: [eventRaised('go', 1)] }))).toThrow(
      /Instance i1 has no ExecutionStarted/,
    );
  });
});
