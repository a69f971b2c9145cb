import { EventType, type HistoryEvent } from '../../../../../devhost/src/protocol/history';
import {
  columnsToEvent,
  eventToColumns,
  historyRowKey,
} from '../../../../../devhost/src/store/azure/historyEntities';
import {
  escapePartitionKey,
  unescapePartitionKey,
} from '../../../../../devhost/src/store/azure/keySanitation';
import {
  decodeEnvelope,
  encodeEnvelope,
  fromWire,
  toWire,
} from '../../../../../devhost/src/store/azure/messageEnvelope';
import { taskHubResourceNames } from '../../../../../devhost/src/store/azure/names';
import { controlQueueIndex } from '../../../../../devhost/src/store/routing';

describe('Azure task hub layout', () => {
  it('hashes instance ids with 32-bit FNV-1a as the known vectors say', () => {
    // FNV-1a 32-bit reference values: "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
    expect(controlQueueIndex('', 0x7fffffff)).toBe(0x811c9dc5 % 0x7fffffff);
    expect(controlQueueIndex('a', 0x7fffffff)).toBe(0xe40c292c % 0x7fffffff);
    expect(controlQueueIndex('foobar', 0x7fffffff)).toBe(0xbf9cf968 % 0x7fffffff);
    expect(controlQueueIndex('foobar', 4)).toBe(0xbf9cf968 % 4);
  });

  it('names resources as DTF does', () => {
    expect(taskHubResourceNames('MyHub', 2)).toEqual({
      instancesTable: 'MyHubInstances',
      historyTable: 'MyHubHistory',
      controlQueues: ['myhub-control-00', 'myhub-control-01'],
      workItemQueue: 'myhub-workitems',
      leaseContainer: 'myhub-leases',
      largeMessageContainer: 'myhub-largemessages',
    });
  });

  it('escapes the characters table keys forbid and reads them back', () => {
    expect(escapePartitionKey('a/b\\c#d?e^f')).toBe('a^0b^1c^2d^3e^^f');
    const odd = 'x/\\#?^\u0001y';
    expect(unescapePartitionKey(escapePartitionKey(odd))).toBe(odd);
  });

  it('writes history rows with string event types, _Timestamp and 16-hex row keys, and reads them back', () => {
    const event: HistoryEvent = {
      EventType: EventType.TaskFailed,
      EventId: -1,
      IsPlayed: false,
      Timestamp: '2030-01-01T00:00:00.000Z',
      TaskScheduledId: 3,
      Reason: 'boom',
      Details: 'stack',
      FailureDetails: { ErrorType: 'Error' },
    };
    const columns = eventToColumns(event, 'exec1');
    expect(columns).toMatchObject({
      EventType: 'TaskFailed',
      _Timestamp: { value: '2030-01-01T00:00:00.000Z', type: 'DateTime' },
      ExecutionId: 'exec1',
      FailureDetails: '{"ErrorType":"Error"}',
    });
    expect(historyRowKey(26)).toBe('000000000000001A');
    expect(columnsToEvent({ ...columns, _Timestamp: new Date(event.Timestamp) }, 'i')).toEqual(event);
  });

  it('refuses a history row with an unknown event type with a message naming the instance', () => {
    expect(() => columnsToEvent({ EventType: 'Bogus', rowKey: '0000000000000000' }, 'inst-1')).toThrow(
      /inst-1.*unknown event type 'Bogus'/,
    );
  });

  it('round-trips queue envelopes base64-encoded, reads plain JSON, and names truncated ones', () => {
    const message = {
      event: {
        EventType: EventType.EventRaised,
        EventId: -1,
        IsPlayed: false,
        Timestamp: 't',
        Name: 'Go',
        Input: '1',
      },
      orchestrationInstance: { InstanceId: 'i1', ExecutionId: null },
    } as const;
    const { json } = encodeEnvelope(message);
    const wire = toWire(json);
    expect(wire).not.toContain('{');
    expect(decodeEnvelope(fromWire(wire))).toMatchObject({ kind: 'message', message });
    expect(decodeEnvelope(fromWire(json))).toMatchObject({ kind: 'message' });
    expect(() => decodeEnvelope(json.slice(0, 80))).toThrow(/not valid JSON/);
  });
});
