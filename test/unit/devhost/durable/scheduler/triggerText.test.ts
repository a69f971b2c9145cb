import { buildOrchestrationTrigger } from '../../../../../devhost/src/durable/replay';
import type { EpisodeInput } from '../../../../../devhost/src/durable/replay/types';
import { TriggerText } from '../../../../../devhost/src/durable/scheduler/triggerText';
import { EventType, type HistoryEvent } from '../../../../../devhost/src/protocol/history';
import { deepFreeze } from '../../../../../devhost/src/store/frozen';
import { eventRaised, executionStarted, taskCompleted } from '../../../../support/durableEvents';
import { at, testSettings } from '../../../../support/sdkOrchestrator';

/** Counts how often each event is turned into JSON (`JSON.stringify` calls `toJSON`). */
let serialized = 0;
function counted<T extends HistoryEvent>(event: T): T {
  const plain = { ...event };
  const toJSON = (): T => {
    serialized++;
    return plain;
  };
  return { ...event, toJSON };
}

const started = executionStarted({ name: 'seq', instanceId: 'i1', executionId: 'e1', input: ['a', 'b'] });

/** One stored step of a sequence: the episode's markers around a scheduled task and its result. */
function step(id: number, second: number): HistoryEvent[] {
  return [
    { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: true, Timestamp: at(second) },
    { ...taskCompleted(id - 1, `r${id - 1}`, at(second)), IsPlayed: true },
    {
      EventType: EventType.TaskScheduled,
      EventId: id,
      IsPlayed: false,
      Timestamp: at(second),
      Name: 'Hello',
      Version: null,
      Input: JSON.stringify([`n${id}`]),
    },
    { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: at(second) },
  ];
}

/** A stored history as the stores hand it out: its events frozen and shared between episodes. */
function stored(events: HistoryEvent[], freeze = true): HistoryEvent[] {
  return freeze ? events.map((event) => deepFreeze(counted(event))) : events.map(counted);
}

function episode(history: readonly HistoryEvent[], overrides: Partial<EpisodeInput> = {}): EpisodeInput {
  return {
    instanceId: 'i1',
    executionId: 'e1',
    history,
    newEvents: [taskCompleted(history.length, 'done', at(100))],
    now: at(100),
    settings: testSettings(),
    ...overrides,
  };
}

/** The trigger's text for `input`, and how many events it turned into JSON for it. */
function textOf(trigger: TriggerText, input: EpisodeInput): { text: string; serialized: number } {
  serialized = 0;
  const text = trigger.text(input);
  return { text, serialized };
}

function expectSamePayload(trigger: TriggerText, input: EpisodeInput): number {
  const { text, serialized: count } = textOf(trigger, input);
  expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(buildOrchestrationTrigger(input))));
  return count;
}

describe('TriggerText', () => {
  it('parses to the payload buildOrchestrationTrigger builds, first episode to last', () => {
    const trigger = new TriggerText();
    expectSamePayload(trigger, episode([], { newEvents: [started] }));
    let history = stored([started, ...step(0, 1)]);
    for (let id = 1; id < 6; id++) {
      expectSamePayload(trigger, episode(history));
      history = [...history, ...stored(step(id, id + 1))];
    }
  });

  it('turns each stored event into JSON once while the history grows', () => {
    const trigger = new TriggerText();
    let history = stored([started, ...step(0, 1)]);
    expect(expectSamePayload(trigger, episode(history))).toBe(5);
    for (let id = 1; id < 4; id++) {
      const added = stored(step(id, id + 1));
      history = [...history, ...added];
      expect(expectSamePayload(trigger, episode(history))).toBe(added.length);
    }
  });

  it('forgets an execution that has ended', () => {
    const trigger = new TriggerText();
    const history = stored([started, ...step(0, 1)]);
    trigger.text(episode(history));
    trigger.forget(episode(history));
    expect(expectSamePayload(trigger, episode(history))).toBe(history.length);
  });

  it('starts again from the events when the stored history is not the one it kept', () => {
    const trigger = new TriggerText();
    const history = stored([started, ...step(0, 1)]);
    trigger.text(episode(history));
    // Read afresh (other objects, same events), then rewritten (a rewind) under the same execution.
    const reread = stored([started, ...step(0, 1)].map((event) => ({ ...event })));
    expect(expectSamePayload(trigger, episode(reread))).toBe(reread.length);
    const rewritten = stored([{ ...started }, ...step(0, 2)]);
    expect(expectSamePayload(trigger, episode(rewritten))).toBe(rewritten.length);
    // A rewind: the same first and last events, one in between replaced.
    const rewound = rewritten.map((event, index) => (index === 2 ? stored([{ ...event }])[0]! : event));
    expect(rewound.at(-1)).toBe(rewritten.at(-1));
    expect(expectSamePayload(trigger, episode(rewound))).toBe(rewound.length);
    // A shorter history than the one kept: nothing kept applies.
    expect(expectSamePayload(trigger, episode(reread.slice(0, 2)))).toBe(2);
  });

  it('keeps nothing for events that are not frozen, which could still change', () => {
    const trigger = new TriggerText();
    const history = stored([started, ...step(0, 1)], false);
    trigger.text(episode(history));
    expect(expectSamePayload(trigger, episode(history))).toBe(history.length);
  });

  it('keeps each execution apart', () => {
    const trigger = new TriggerText();
    const first = stored([started, ...step(0, 1)]);
    const other = executionStarted({ name: 'seq', instanceId: 'i1', executionId: 'e2', input: 1 });
    const second = stored([other, ...step(0, 1)]);
    trigger.text(episode(first));
    trigger.text(episode(second, { executionId: 'e2' }));
    expect(expectSamePayload(trigger, episode(first))).toBe(0);
    expect(expectSamePayload(trigger, episode(second, { executionId: 'e2' }))).toBe(0);
  });

  it('drops the least recently used text past its budget', () => {
    const history = stored([started, ...step(0, 1)]);
    const size = JSON.stringify(history).length;
    const trigger = new TriggerText(size * 1.5);
    trigger.text(episode(history, { instanceId: 'a' }));
    trigger.text(episode(history, { instanceId: 'b' }));
    expect(textOf(trigger, episode(history, { instanceId: 'a' })).serialized).toBe(history.length);
    expect(textOf(trigger, episode(history, { instanceId: 'a' })).serialized).toBe(0);
  });

  it('carries the stored input as the value it parses to, or as a string when it is not JSON', () => {
    const trigger = new TriggerText();
    const cases: (string | null)[] = [' {"orderId" : "o-1"} ', 'not json', null, '"text"', '42'];
    for (const Input of cases) {
      const input = episode(stored([{ ...started, Input }, ...step(0, 1)]));
      expectSamePayload(trigger, input);
    }
    // The ExecutionStarted delivered in this episode.
    expectSamePayload(trigger, episode([], { newEvents: [{ ...started, Input: 'not json' }] }));
  });

  it('puts the events delivered in this episode after the stored ones, not yet played', () => {
    const trigger = new TriggerText();
    const history = stored([started, ...step(0, 1)]);
    const payload = JSON.parse(
      trigger.text(episode(history, { newEvents: [eventRaised('go', 1, at(100))] })),
    ) as { history: HistoryEvent[] };
    expect(payload.history.slice(history.length).map((e) => [e.EventType, e.IsPlayed])).toEqual([
      [EventType.OrchestratorStarted, false],
      [EventType.EventRaised, false],
    ]);
  });
});
