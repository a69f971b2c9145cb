import { PendingHistories } from '../../../../../devhost/src/store/azure/pendingHistories';

describe('PendingHistories', () => {
  it('names each write with a placeholder that resolves to its ETag while it is the newest', async () => {
    const pending = new PendingHistories();
    const first = pending.begin('a', Promise.resolve('etag-1'));
    expect(PendingHistories.isPlaceholder(first.token)).toBe(true);
    expect(PendingHistories.isPlaceholder('W/"datetime\'2024\'"')).toBe(false);
    expect(PendingHistories.isPlaceholder(undefined)).toBe(false);
    await expect(pending.written('a', first.token)).resolves.toBe('etag-1');

    const second = pending.begin('a', Promise.resolve('etag-2'));
    expect(pending.written('a', first.token)).toBeUndefined();
    expect(pending.written('b', second.token)).toBeUndefined();
    await expect(pending.written('a', second.token)).resolves.toBe('etag-2');
  });

  it('settles per instance, and all at once', async () => {
    const pending = new PendingHistories();
    const a = pending.begin('a', new Promise<string>(() => undefined));
    const b = pending.begin('b', new Promise<string>(() => undefined));
    const order: string[] = [];
    void pending.settled('a').then(() => order.push('a'));
    const all = pending.allSettled().then(() => order.push('all'));
    await expect(pending.settled('none')).resolves.toBeUndefined();
    a.settle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a']);
    b.settle();
    await all;
    expect(order).toEqual(['a', 'all']);
  });

  it('forgets the oldest settled writes beyond its bound, never one on its way', () => {
    const pending = new PendingHistories();
    const unsettled = pending.begin('oldest, still writing', new Promise<string>(() => undefined));
    const settledFirst = pending.begin('settled first', Promise.resolve('x'));
    settledFirst.settle();
    for (let i = 0; i < 5000; i += 1) pending.begin(`i${i}`, Promise.resolve('x')).settle();
    expect(pending.written('oldest, still writing', unsettled.token)).toBeDefined();
    expect(pending.written('settled first', settledFirst.token)).toBeUndefined();
  });
});
