import { MessageSorter } from '../../../../../devhost/src/protocol/messageSorter';
import { entityRequestMessage } from '../../../../../devhost/src/durable/replay';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const base = {
  operation: 'add',
  input: 1,
  signal: true,
  parentInstanceId: 'orch',
  parentExecutionId: 'e1',
};

describe('requests an orchestration sends to entities', () => {
  it('carries the sorter labels, chained per entity, in the extension’s property order', () => {
    const sorter = new MessageSorter();
    const label = { sorter, targetInstanceId: '@counter@k', nowMs: T0 };
    const first = entityRequestMessage({ ...base, sequenceId: 0, label });
    const second = entityRequestMessage({ ...base, sequenceId: 1, label });
    expect(Object.keys(JSON.parse(first.json) as object)).toEqual([
      'op',
      'signal',
      'input',
      'id',
      'parent',
      'parentExecution',
      'Timestamp',
      'Predecessor',
    ]);
    expect(JSON.parse(second.json)).toMatchObject({
      Timestamp: '2030-01-01T00:00:00.0000001Z',
      Predecessor: '2030-01-01T00:00:00Z',
    });
  });

  it('gives the same labels on every replay, since they come from the episode times', () => {
    const run = (): string[] => {
      const sorter = new MessageSorter();
      return [0, 1].map(
        (sequenceId) =>
          entityRequestMessage({
            ...base,
            sequenceId,
            label: { sorter, targetInstanceId: '@counter@k', nowMs: T0 },
          }).json,
      );
    };
    expect(run()).toEqual(run());
  });

  it('puts the due time on a scheduled signal and leaves it unlabelled, as the extension does', () => {
    const scheduled = JSON.parse(
      entityRequestMessage({ ...base, sequenceId: 0, dueMs: T0 + 3_600_000 }).json,
    ) as object;
    expect(scheduled).toMatchObject({
      due: '2030-01-01T01:00:00Z',
      Timestamp: '0001-01-01T00:00:00',
      Predecessor: '0001-01-01T00:00:00',
    });
  });
});
