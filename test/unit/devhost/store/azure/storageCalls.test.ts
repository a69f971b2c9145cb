import {
  type CallPriority,
  StorageCallTimeoutError,
  StorageCalls,
} from '../../../../../devhost/src/store/azure/storageCalls';

/** Calls that finish when the test says: which started, in order, and a way to finish each. */
function harness(maxInFlight: number) {
  const calls = new StorageCalls(maxInFlight);
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const submit = (name: string, priority: CallPriority): Promise<void> =>
    calls.limit(priority, () => {
      started.push(name);
      return new Promise<void>((resolve) => finish.set(name, resolve));
    });
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const done = async (name: string) => {
    finish.get(name)?.();
    await settle();
  };
  return { submit, started, done, settle };
}

describe('StorageCalls', () => {
  it('hands a free slot to reads, then writes, then background work', async () => {
    const h = harness(1);
    void h.submit('first', 'write');
    void h.submit('delete', 'background');
    void h.submit('send', 'write');
    void h.submit('status', 'read');
    await h.settle();
    expect(h.started).toEqual(['first']);
    await h.done('first');
    await h.done('status');
    await h.done('send');
    expect(h.started).toEqual(['first', 'status', 'send', 'delete']);
  });

  it('keeps a few background calls to two in flight, so the next start does not queue behind them', async () => {
    const h = harness(16);
    for (let i = 0; i < 6; i++) void h.submit(`delete${i}`, 'background');
    await h.settle();
    expect(h.started).toEqual(['delete0', 'delete1']);
    void h.submit('send', 'write');
    void h.submit('row', 'write');
    await h.settle();
    expect(h.started).toEqual(['delete0', 'delete1', 'send', 'row']);
    await h.done('delete0');
    expect(h.started.slice(4)).toEqual(['delete2']);
  });

  it('lets a backlog of background work use every free slot', async () => {
    const h = harness(16);
    for (let i = 0; i < 40; i++) void h.submit(`delete${i}`, 'background');
    await h.settle();
    expect(h.started).toHaveLength(16);
  });

  it('puts a backlog of background work ahead of writes, but not of reads', async () => {
    const h = harness(1);
    void h.submit('first', 'write');
    for (let i = 0; i < 33; i++) void h.submit(`delete${i}`, 'background');
    void h.submit('send', 'write');
    void h.submit('status', 'read');
    await h.settle();
    await h.done('first');
    expect(h.started).toEqual(['first', 'status']);
    await h.done('status');
    // 33 deletes waiting: they go first until fewer than 32 are left; then the send, apart from
    // background work's usual fourth slot.
    while (!h.started.includes('send')) await h.done(h.started[h.started.length - 1] as string);
    const before = h.started.slice(2, h.started.indexOf('send'));
    expect(before.slice(0, 2)).toEqual(['delete0', 'delete1']);
    expect(before.length).toBeLessThanOrEqual(3);
  });

  it('gives background work every fourth slot while reads and writes keep the limit busy', async () => {
    const h = harness(1);
    void h.submit('first', 'read');
    void h.submit('delete', 'background');
    for (let i = 0; i < 8; i++) void h.submit(`read${i}`, 'read');
    await h.settle();
    for (let turn = 0; turn < 5; turn++) await h.done(h.started[h.started.length - 1] as string);
    expect(h.started.indexOf('delete')).toBeGreaterThan(0);
    expect(h.started.indexOf('delete')).toBeLessThanOrEqual(4);
  });

  it('fails a call that gets no answer within its timeout, and frees its slot', async () => {
    const calls = new StorageCalls(1, 50);
    const hung = calls.limit('write', () => new Promise<never>(() => undefined));
    const next = calls.limit('write', () => Promise.resolve('answered'));
    await expect(hung).rejects.toBeInstanceOf(StorageCallTimeoutError);
    await expect(next).resolves.toBe('answered');
    // An answer that comes in time is the call's, and a failure is its own.
    await expect(calls.limit('read', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });
});
