import { planBatch, type DeliveredMessage } from '../../../../../devhost/src/durable/entities/batchPlan';
import { serializeRequest, type RequestMessage } from '../../../../../devhost/src/protocol/entityMessages';
import {
  emptySchedulerState,
  type SchedulerState,
} from '../../../../../devhost/src/durable/entities/schedulerState';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const settings = { maxBatchSize: 5000, reorderWindowMs: 30 * 60_000 };

function op(id: string, extra: Partial<RequestMessage> = {}): DeliveredMessage {
  return { name: 'op', input: serializeRequest({ op: 'add', input: '1', signal: true, id, ...extra }) };
}

const ids = (messages: readonly RequestMessage[]): string[] => messages.map((m) => m.id);

describe('planning an entity batch', () => {
  it('takes every queued request into one batch, queue first, in order', () => {
    const state: SchedulerState = { ...emptySchedulerState(), queue: [{ op: 'get', id: 'old' }] };
    const plan = planBatch(state, [op('a'), op('b')], NOW, settings);
    expect(ids(plan.operations)).toEqual(['old', 'a', 'b']);
    expect(state.queue).toEqual([]);
    expect(plan.continueAfterBatch).toBe(false);
  });

  it('stops at maxEntityOperationBatchSize, keeps the rest queued and asks to continue after the checkpoint', () => {
    const state = emptySchedulerState();
    const plan = planBatch(state, [op('a'), op('b'), op('c')], NOW, { ...settings, maxBatchSize: 2 });
    expect(ids(plan.operations)).toEqual(['a', 'b']);
    expect(ids(state.queue)).toEqual(['c']);
    expect(plan.continueAfterBatch).toBe(true);
  });

  it('runs nothing while suspended, and resumes on a continue message', () => {
    const suspended: SchedulerState = { ...emptySchedulerState(), suspended: true };
    expect(planBatch(suspended, [op('a')], NOW, settings).operations).toEqual([]);
    expect(ids(suspended.queue)).toEqual(['a']);
    const resumed = planBatch(suspended, [{ name: 'continue', input: null }], NOW, settings);
    expect(ids(resumed.operations)).toEqual(['a']);
    expect(suspended.suspended).toBe(false);
  });

  it('while locked, runs only the holder’s requests and puts them first', () => {
    const state: SchedulerState = {
      ...emptySchedulerState(),
      lockedBy: 'holder',
      queue: [{ op: 'get', id: 'waiting', parent: 'someone' }],
    };
    const plan = planBatch(state, [op('mine', { parent: 'holder' })], NOW, {
      ...settings,
      reorderWindowMs: 0,
    });
    expect(ids(plan.operations)).toEqual(['mine']);
    expect(ids(state.queue)).toEqual(['waiting']);
  });

  it('unlocks on a release from the holder only', () => {
    const state: SchedulerState = { ...emptySchedulerState(), lockedBy: 'holder' };
    planBatch(
      state,
      [{ name: 'release', input: JSON.stringify({ parent: 'intruder', id: 'x' }) }],
      NOW,
      settings,
    );
    expect(state.lockedBy).toBe('holder');
    planBatch(
      state,
      [{ name: 'release', input: JSON.stringify({ parent: 'holder', id: 'x' }) }],
      NOW,
      settings,
    );
    expect(state.lockedBy).toBeUndefined();
  });

  it('ends the batch with a lock request', () => {
    const state = emptySchedulerState();
    const lock = op('lock', { op: undefined, lockset: [{ name: 'counter', key: 'k' }], parent: 'orch' });
    const plan = planBatch(state, [op('a'), lock, op('b')], NOW, { ...settings, reorderWindowMs: 0 });
    expect(ids(plan.operations)).toEqual(['a']);
    expect(plan.lockRequest?.id).toBe('lock');
    expect(ids(state.queue)).toEqual(['b']);
  });

  it('sends a scheduled signal that came early again for its time, and runs one that is due', () => {
    const state = emptySchedulerState();
    const early = { name: 'op@2030-01-01T01:00:00.0000000Z', input: op('early').input };
    const due = { name: 'op@2030-01-01T00:00:00.0500000Z', input: op('due').input };
    const plan = planBatch(state, [early, due], NOW, settings);
    expect(ids(plan.operations)).toEqual(['due']);
    expect(plan.reschedule).toEqual([
      {
        message: expect.objectContaining({ id: 'early', due: '2030-01-01T01:00:00Z' }) as unknown,
        dueMs: NOW + 3_600_000,
      },
    ]);
  });

  it('drops a duplicate labelled request and an unreadable message, naming why', () => {
    const state = emptySchedulerState();
    const labelled = op('a', { parent: 'orch', parentExecution: 'e', Timestamp: '2030-01-01T00:00:00Z' });
    const plan = planBatch(state, [labelled, labelled, { name: 'op', input: '{"op":"add"}' }], NOW, settings);
    expect(ids(plan.operations)).toEqual(['a']);
    expect(plan.dropped).toEqual(["'op': The entity request has no 'id'."]);
  });
});
