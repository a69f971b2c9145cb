import { MessageSorter } from '../../../../../devhost/src/protocol/messageSorter';
import {
  emptySchedulerState,
  entityStatusJson,
  mayDequeue,
  parseSchedulerState,
  serializeSchedulerState,
} from '../../../../../devhost/src/durable/entities/schedulerState';

describe('the entity scheduler state', () => {
  it('serialises like the extension: default values omitted, user state as JSON text', () => {
    expect(serializeSchedulerState(emptySchedulerState())).toBe('{"sorter":{}}');
    const state = { ...emptySchedulerState(), exists: true, state: '{"n":1}', lockedBy: 'orch' };
    expect(JSON.parse(serializeSchedulerState(state))).toEqual({
      exists: true,
      state: '{"n":1}',
      lockedBy: 'orch',
      sorter: {},
    });
  });

  it('reads back what it wrote, and starts empty for an auto-started entity', () => {
    const state = {
      ...emptySchedulerState(),
      exists: true,
      state: '5',
      queue: [{ op: 'add', id: 'q' }],
      suspended: true,
      sorter: MessageSorter.fromJSON({ ReceiveHorizon: '2030-01-01T00:00:00Z' }),
    };
    const back = parseSchedulerState(serializeSchedulerState(state));
    expect(back).toMatchObject({
      exists: true,
      state: '5',
      queue: [{ op: 'add', id: 'q' }],
      suspended: true,
    });
    expect(back.sorter.toJSON()).toEqual({ ReceiveHorizon: '2030-01-01T00:00:00Z' });
    expect(parseSchedulerState(null)).toMatchObject({ exists: false, state: undefined, queue: [] });
  });

  it('refuses a state that is not a JSON object', () => {
    expect(() => parseSchedulerState('not json')).toThrow(/not JSON/);
    expect(() => parseSchedulerState('[1]')).toThrow(/not a JSON object/);
  });

  it('lets only the lock holder’s requests out of the queue while locked', () => {
    const state = {
      ...emptySchedulerState(),
      lockedBy: 'holder',
      queue: [{ op: 'a', id: '1', parent: 'other' }],
    };
    expect(mayDequeue(state)).toBe(false);
    state.queue.unshift({ op: 'b', id: '2', parent: 'holder' });
    expect(mayDequeue(state)).toBe(true);
    expect(mayDequeue(emptySchedulerState())).toBe(false);
  });

  it('describes itself in the custom status the extension writes', () => {
    expect(entityStatusJson(emptySchedulerState())).toBe('{}');
    const state = { ...emptySchedulerState(), exists: true, lockedBy: 'o', queue: [{ op: 'a', id: '1' }] };
    expect(JSON.parse(entityStatusJson(state))).toEqual({ entityExists: true, queueSize: 1, lockedBy: 'o' });
  });
});
