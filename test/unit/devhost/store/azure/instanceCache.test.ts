import { InstanceCache } from '../../../../../devhost/src/store/azure/instanceCache';
import type { StoredHistory } from '../../../../../devhost/src/store/azure/trackingStore';
import { EventType, type HistoryEvent } from '../../../../../devhost/src/protocol/history';
import { executionStarted, taskCompleted } from '../../../../support/durableEvents';

function marker(type: EventType.OrchestratorStarted | EventType.OrchestratorCompleted): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: '2024-01-01T00:00:00.000Z' };
}

function history(events: HistoryEvent[]): StoredHistory {
  return { executionId: 'e1', events, etag: 'W/"1"', checkpointAt: undefined };
}

const step = (id: number): HistoryEvent[] => [
  marker(EventType.OrchestratorStarted),
  taskCompleted(id, `r${id}`),
  marker(EventType.OrchestratorCompleted),
];

describe('InstanceCache', () => {
  it('freezes the events it keeps, those extending the known history and those replacing some of it', () => {
    const cache = new InstanceCache();
    const first = [executionStarted({ name: 'o', instanceId: 'i', executionId: 'e1' }), ...step(0)];
    cache.set('i', { row: undefined, history: history(first) });
    expect(first.every((event) => Object.isFrozen(event))).toBe(true);

    const extended = [...first, ...step(1)];
    cache.set('i', { row: undefined, history: history(extended) });
    expect(extended.every((event) => Object.isFrozen(event))).toBe(true);
    expect(Object.isFrozen(extended)).toBe(true);

    // A rewind: the same first and last events, one in between replaced.
    const rewound = extended.map((event, index) => (index === 2 ? { ...event, Timestamp: 'x' } : event));
    cache.set('i', { row: undefined, history: history(rewound) });
    expect(rewound.every((event) => Object.isFrozen(event))).toBe(true);
    expect(cache.get('i')?.history?.events).toBe(rewound);
  });

  it('measures a history that grew as the whole history, so the bound holds', () => {
    const short = [executionStarted({ name: 'o', instanceId: 'i', executionId: 'e1' }), ...step(0)];
    // Room for the short history of two instances, not for 50 steps of either.
    const cache = new InstanceCache(3 * sizeWithin(short));

    cache.set('a', { row: undefined, history: history(short) });
    cache.set('b', { row: undefined, history: history(short) });
    expect(cache.get('a')).toBeDefined();
    // Grown step by step, 'a' pushes 'b' out, then no longer fits at all.
    let grown = short;
    for (let id = 1; id < 50; id++) {
      grown = [...grown, ...step(id)];
      cache.set('a', { row: undefined, history: history(grown) });
    }
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeUndefined();
  });
});

/** A rough upper bound of what one short history takes in the cache's own estimate. */
function sizeWithin(events: HistoryEvent[]): number {
  return 256 + events.length * 400;
}
