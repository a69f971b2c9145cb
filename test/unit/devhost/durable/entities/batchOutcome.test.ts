import type { BatchPlan } from '../../../../../devhost/src/durable/entities/batchPlan';
import { completeBatch, type BatchContext } from '../../../../../devhost/src/durable/entities/batchOutcome';
import type { EntityReply } from '../../../../../devhost/src/durable/entities/entityTrigger';
import type { RequestMessage } from '../../../../../devhost/src/protocol/entityMessages';
import { emptySchedulerState } from '../../../../../devhost/src/durable/entities/schedulerState';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function context(): BatchContext {
  let n = 0;
  return {
    entityInstanceId: '@counter@k',
    nowMs: NOW,
    reorderWindowMs: 30 * 60_000,
    newGuid: () => `guid-${++n}`,
  };
}

function plan(operations: RequestMessage[], extra: Partial<BatchPlan> = {}): BatchPlan {
  return {
    operations,
    lockRequest: undefined,
    reschedule: [],
    continueAfterBatch: false,
    dropped: [],
    ...extra,
  };
}

const call = (id: string): RequestMessage => ({ op: 'add', id, parent: 'orch', parentExecution: 'e1' });
const signal = (id: string): RequestMessage => ({ op: 'add', id, signal: true });

describe('completing an entity batch', () => {
  it('keeps the reply’s state even when an operation failed, and answers every call once', () => {
    const state = { ...emptySchedulerState(), exists: true, state: '1' };
    const reply: EntityReply = {
      entityExists: true,
      entityState: '8',
      results: [
        { isError: false, result: undefined, durationMs: 0 },
        { isError: true, result: '{}', durationMs: 0 },
        { isError: false, result: '8', durationMs: 0 },
      ],
      signals: [],
    };
    const out = completeBatch(
      state,
      plan([call('a'), signal('s'), call('b')]),
      { kind: 'reply', reply },
      context(),
    );
    expect(state.state).toBe('8');
    expect(out).toEqual([
      { targetInstanceId: 'orch', targetExecutionId: 'e1', name: 'a', input: '{}' },
      { targetInstanceId: 'orch', targetExecutionId: 'e1', name: 'b', input: '{"result":"8"}' },
    ]);
  });

  it('reports a failed call with exceptionType "Error"', () => {
    const state = emptySchedulerState();
    const reply: EntityReply = {
      entityExists: false,
      entityState: undefined,
      results: [{ isError: true, result: '{}', durationMs: 0 }],
      signals: [],
    };
    const [response] = completeBatch(state, plan([call('a')]), { kind: 'reply', reply }, context());
    expect(response?.input).toBe('{"result":"{}","exceptionType":"Error"}');
  });

  it('deletes the entity when the reply says it no longer exists', () => {
    const state = { ...emptySchedulerState(), exists: true, state: '3' };
    const reply: EntityReply = {
      entityExists: false,
      entityState: undefined,
      results: [{ isError: false, result: undefined, durationMs: 0 }],
      signals: [],
    };
    completeBatch(state, plan([signal('delete')]), { kind: 'reply', reply }, context());
    expect(state).toMatchObject({ exists: false, state: undefined });
  });

  it('turns signals into labelled requests to lower-cased entity ids, sent by the entity', () => {
    const state = emptySchedulerState();
    const reply: EntityReply = {
      entityExists: true,
      entityState: '0',
      results: [{ isError: false, result: undefined, durationMs: 0 }],
      signals: [
        { target: { name: 'Other', key: 'Z' }, name: 'ping', input: '1' },
        { target: { name: 'other', key: 'Z' }, name: 'pong', input: '' },
      ],
    };
    const out = completeBatch(state, plan([signal('s')]), { kind: 'reply', reply }, context());
    expect(out.map((m) => [m.targetInstanceId, m.name])).toEqual([
      ['@other@Z', 'op'],
      ['@other@Z', 'op'],
    ]);
    const [ping, pong] = out.map((m) => JSON.parse(m.input ?? '') as Record<string, unknown>);
    expect(ping).toEqual({
      op: 'ping',
      signal: true,
      input: '1',
      id: 'guid-1',
      parent: '@counter@k',
      Timestamp: '2030-01-01T00:00:00Z',
      Predecessor: '0001-01-01T00:00:00',
    });
    expect(pong).toMatchObject({ input: '', Predecessor: ping?.Timestamp });
  });

  it('fails every operation of a timed-out batch with the timeout message and keeps the state', () => {
    const state = { ...emptySchedulerState(), exists: true, state: '2' };
    const out = completeBatch(
      state,
      plan([call('a'), call('b')]),
      { kind: 'timeout', message: 'too slow' },
      context(),
    );
    expect(state.state).toBe('2');
    expect(out.map((m) => m.input)).toEqual([
      '{"result":"too slow","exceptionType":"Error"}',
      '{"result":"too slow","exceptionType":"Error"}',
    ]);
  });

  it('locks for the requester and forwards the request to the next entity of the lock set, or grants it', () => {
    const lockset = [
      { name: 'counter', key: 'k' },
      { name: 'counter', key: 'm' },
    ];
    const first = emptySchedulerState();
    const lock: RequestMessage = { id: 'L', parent: 'orch', parentExecution: 'e1', lockset };
    const [forward] = completeBatch(first, plan([], { lockRequest: lock }), undefined, context());
    expect(first.lockedBy).toBe('orch');
    expect(forward).toMatchObject({ targetInstanceId: '@counter@m', name: 'op' });
    expect(JSON.parse(forward?.input ?? '')).toMatchObject({ id: 'L', pos: 1 });
    const last = emptySchedulerState();
    const [grant] = completeBatch(last, plan([], { lockRequest: { ...lock, pos: 1 } }), undefined, context());
    expect(grant).toEqual({
      targetInstanceId: 'orch',
      targetExecutionId: 'e1',
      name: 'L',
      input: '{"result":"Lock Acquisition Completed"}',
    });
  });

  it('re-sends early scheduled signals first and a continue last, suspending the entity', () => {
    const state = emptySchedulerState();
    const out = completeBatch(
      state,
      plan([], {
        reschedule: [{ message: { op: 'later', id: 'x', signal: true }, dueMs: NOW + 60_000 }],
        continueAfterBatch: true,
      }),
      undefined,
      context(),
    );
    expect(out.map((m) => [m.name, m.visibleAtMs])).toEqual([
      ['op@2030-01-01T00:01:00.0000000Z', NOW + 60_000],
      ['continue', undefined],
    ]);
    expect(state.suspended).toBe(true);
  });
});
