import type { RequestMessage } from '../../../../../devhost/src/protocol/entityMessages';
import { MessageSorter } from '../../../../../devhost/src/protocol/messageSorter';

const WINDOW = 30 * 60_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');

function request(id: string, parent?: string, parentExecution?: string): RequestMessage {
  return { op: 'add', id, ...(parent ? { parent } : {}), ...(parentExecution ? { parentExecution } : {}) };
}

/** Labels `count` requests from one sender to one entity, as the sender's sorter does. */
function labelled(count: number, parent = 'orch', execution = 'e1', atMs = T0): RequestMessage[] {
  const sender = new MessageSorter();
  return Array.from({ length: count }, (_, i) => {
    const message = request(`r${i}`, parent, execution);
    sender.labelOutgoing(message, '@counter@k', atMs, WINDOW);
    return message;
  });
}

const ids = (messages: RequestMessage[]): string[] => messages.map((m) => m.id);

describe('the entity message sorter', () => {
  it('labels requests to one destination with strictly increasing timestamps and their predecessor', () => {
    const [first, second, third] = labelled(3);
    expect(first).toMatchObject({ Timestamp: '2030-01-01T00:00:00Z' });
    expect(first?.Predecessor).toBeUndefined();
    expect(second).toMatchObject({
      Timestamp: '2030-01-01T00:00:00.0000001Z',
      Predecessor: '2030-01-01T00:00:00Z',
    });
    expect(third?.Predecessor).toBe(second?.Timestamp);
  });

  it('keeps separate label streams per destination, ignoring case', () => {
    const sender = new MessageSorter();
    const a = request('a', 'orch');
    const b = request('b', 'orch');
    const c = request('c', 'orch');
    sender.labelOutgoing(a, '@counter@k', T0, WINDOW);
    sender.labelOutgoing(b, '@other@k', T0, WINDOW);
    sender.labelOutgoing(c, '@COUNTER@k', T0 + 5, WINDOW);
    expect(b.Predecessor).toBeUndefined();
    expect(c.Predecessor).toBe(a.Timestamp);
  });

  it('delivers in send order, holding back a request until its predecessor arrives', () => {
    const [first, second, third] = labelled(3) as [RequestMessage, RequestMessage, RequestMessage];
    const receiver = new MessageSorter();
    expect(ids(receiver.receiveInOrder(third, WINDOW))).toEqual([]);
    expect(ids(receiver.receiveInOrder(second, WINDOW))).toEqual([]);
    expect(receiver.bufferedCount).toBe(2);
    expect(ids(receiver.receiveInOrder(first, WINDOW))).toEqual(['r0', 'r1', 'r2']);
    expect(receiver.bufferedCount).toBe(0);
  });

  it('drops a redelivered request it already delivered', () => {
    const [first, second] = labelled(2) as [RequestMessage, RequestMessage];
    const receiver = new MessageSorter();
    expect(ids(receiver.receiveInOrder(first, WINDOW))).toEqual(['r0']);
    expect(ids(receiver.receiveInOrder(second, WINDOW))).toEqual(['r1']);
    expect(receiver.receiveInOrder({ ...first }, WINDOW)).toEqual([]);
    expect(receiver.receiveInOrder({ ...second }, WINDOW)).toEqual([]);
  });

  it('keeps dropping duplicates after its state went through JSON (persisted between batches)', () => {
    const [first] = labelled(1) as [RequestMessage];
    const receiver = new MessageSorter();
    receiver.receiveInOrder(first, WINDOW);
    const restored = MessageSorter.fromJSON(JSON.parse(JSON.stringify(receiver.toJSON())));
    expect(restored.receiveInOrder({ ...first }, WINDOW)).toEqual([]);
  });

  it('persists in the extension shape, default values omitted', () => {
    const [first] = labelled(1) as [RequestMessage];
    const receiver = new MessageSorter();
    receiver.receiveInOrder(first, WINDOW);
    expect(receiver.toJSON()).toEqual({
      ReceivedFromInstance: { orch: { Last: '2030-01-01T00:00:00Z', ExecutionId: 'e1' } },
      ReceiveHorizon: '2029-12-31T23:30:00Z',
    });
    expect(new MessageSorter().toJSON()).toEqual({});
  });

  it('starts a new stream when the sender is a new execution, releasing what waited for the old one', () => {
    const [, oldSecond] = labelled(2, 'orch', 'e1') as [RequestMessage, RequestMessage];
    const [newFirst] = labelled(1, 'orch', 'e2', T0 + 1000) as [RequestMessage];
    const receiver = new MessageSorter();
    expect(receiver.receiveInOrder(oldSecond, WINDOW)).toEqual([]);
    expect(ids(receiver.receiveInOrder(newFirst, WINDOW))).toEqual(['r1', 'r0']);
  });

  it('passes client signals, forwarded lock requests and everything with a zero window straight through', () => {
    const receiver = new MessageSorter();
    const client = request('client');
    expect(receiver.receiveInOrder(client, WINDOW)).toEqual([client]);
    expect(receiver.receiveInOrder(client, WINDOW)).toEqual([client]);
    const forwarded = { ...request('lock', 'orch'), pos: 1 };
    expect(receiver.receiveInOrder(forwarded, WINDOW)).toEqual([forwarded]);
    const [first] = labelled(1) as [RequestMessage];
    expect(receiver.receiveInOrder(first, 0)).toEqual([first]);
    expect(receiver.receiveInOrder(first, 0)).toEqual([first]);
  });

  it('stops waiting for a predecessor once the window has moved past it', () => {
    const [, second] = labelled(2) as [RequestMessage, RequestMessage];
    const receiver = new MessageSorter();
    expect(receiver.receiveInOrder(second, WINDOW)).toEqual([]);
    const [late] = labelled(1, 'other', 'x', T0 + WINDOW + 60_000) as [RequestMessage];
    expect(ids(receiver.receiveInOrder(late, WINDOW))).toEqual(['r1', 'r0']);
  });
});
