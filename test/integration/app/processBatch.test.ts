import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { fakeActivities, startAppHost, uniqueId } from './appHost';

interface ChunkRequest {
  batchId: string;
  chunkIndex: number;
}
interface ItemRequest {
  batchId: string;
  item: { itemId: string; productId: string; quantity: number };
}

/** A stored batch of `total` items, as LoadBatchChunk would read it. */
function storedBatch(total: number, chunkSize: number) {
  return (input: unknown) => {
    const { chunkIndex } = input as ChunkRequest;
    const first = chunkIndex * chunkSize;
    return Array.from({ length: Math.min(chunkSize, total - first) }, (_, i) => ({
      itemId: `i${first + i}`,
      productId: (first + i) % 10 === 0 ? 'ghost' : 'widget-1',
      quantity: 1,
    }));
  };
}

const processItem = (input: unknown) => {
  const { item } = input as ItemRequest;
  return item.productId === 'ghost'
    ? { itemId: item.itemId, outcome: 'Rejected', reason: 'Unknown product "ghost"' }
    : { itemId: item.itemId, outcome: 'Succeeded', lineTotalCents: 1999 };
};

describe('processBatch fan-out/fan-in', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startAppHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('processes every item through chunk sub-orchestrations and aggregates the outcomes', async () => {
    const recorder = fakeActivities(host, {
      LoadBatchChunk: storedBatch(250, 100),
      ProcessItem: processItem,
    });
    const batchId = uniqueId('batch');
    const instanceId = await host.start('processBatch', {
      instanceId: `batch-${batchId}`,
      input: { batchId, totalItems: 250, chunkSize: 100, parallelism: 2 },
    });
    const done = await host.waitForStatus(instanceId, 'Completed');
    const output = done.output as {
      total: number;
      succeeded: number;
      rejected: number;
      failed: number;
      items: { itemId: string }[];
    };
    expect(output).toMatchObject({
      status: 'Completed',
      batchId,
      total: 250,
      succeeded: 225,
      rejected: 25,
      failed: 0,
    });
    expect(output.items.map((i) => i.itemId)).toEqual(Array.from({ length: 250 }, (_, i) => `i${i}`));
    expect(done.customStatus).toEqual({ step: 'Processing', processed: 250, total: 250 });
    expect(recorder.names().filter((n) => n === 'ProcessItem')).toHaveLength(250);
    expect(recorder.names().filter((n) => n === 'LoadBatchChunk')).toHaveLength(3);
    // The parent's history holds the chunks, not the items.
    expect((await host.history(instanceId)).length).toBeLessThan(30);
    expect(JSON.stringify(done.input)).not.toContain('widget-1');
  });

  it('keeps every history bounded by its chunk, not by the batch, at 2,000 items', async () => {
    fakeActivities(host, { LoadBatchChunk: storedBatch(2_000, 100), ProcessItem: processItem });
    const batchId = uniqueId('batch');
    const instanceId = await host.start('processBatch', {
      instanceId: `batch-${batchId}`,
      input: { batchId, totalItems: 2_000, chunkSize: 100, parallelism: 10 },
    });
    const done = await host.waitForStatus(instanceId, 'Completed', { timeoutMs: 60_000 });
    expect(done.output).toMatchObject({ total: 2_000, succeeded: 1_800, rejected: 200 });
    // About four events per chunk in the parent, and about two per item in a chunk.
    expect((await host.history(instanceId)).length).toBeLessThanOrEqual(5 * 20);
    expect((await host.history(`${instanceId}:chunk:7`)).length).toBeLessThanOrEqual(3 * 100);
  });

  it('reports progress in custom status while chunks run', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fakeActivities(host, {
      LoadBatchChunk: storedBatch(30, 10),
      ProcessItem: async (input: unknown) => {
        if ((input as ItemRequest).item.itemId === 'i25') await gate;
        return processItem(input);
      },
    });
    const batchId = uniqueId('batch');
    const instanceId = await host.start('processBatch', {
      instanceId: `batch-${batchId}`,
      input: { batchId, totalItems: 30, chunkSize: 10, parallelism: 1 },
    });
    // The engine works on its own; runUntilIdle would wait for the gated item, so poll instead.
    for (let i = 0; i < 500; i++) {
      const status = await host.client.getStatus(instanceId);
      if ((status?.customStatus as { processed?: number } | undefined)?.processed === 20) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await host.client.getStatus(instanceId))?.customStatus).toEqual({
      step: 'Processing',
      processed: 20,
      total: 30,
    });
    release?.();
    expect((await host.waitForStatus(instanceId, 'Completed')).customStatus).toEqual({
      step: 'Processing',
      processed: 30,
      total: 30,
    });
  });

  it('retries technical failures and reports an item whose retries run out as Failed', async () => {
    const attempts = new Map<string, number>();
    const recorder = fakeActivities(host, {
      LoadBatchChunk: storedBatch(5, 5),
      ProcessItem: (input: unknown) => {
        const { item } = input as ItemRequest;
        const n = (attempts.get(item.itemId) ?? 0) + 1;
        attempts.set(item.itemId, n);
        if (item.itemId === 'i3') throw new Error('storage unavailable');
        if (item.itemId === 'i4' && n === 1) throw new Error('transient');
        return processItem(input);
      },
    });
    const batchId = uniqueId('batch');
    const instanceId = await host.start('processBatch', {
      instanceId: `batch-${batchId}`,
      input: { batchId, totalItems: 5, chunkSize: 5, parallelism: 1 },
    });
    await host.runUntilIdle();
    await host.clock.advance('5m');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ total: 5, succeeded: 3, rejected: 1, failed: 1 });
    const items = (done.output as { items: { itemId: string; outcome: string; reason?: string }[] }).items;
    expect(items.find((i) => i.itemId === 'i3')).toMatchObject({
      outcome: 'Failed',
      reason: expect.stringContaining('storage unavailable'),
    });
    expect(items.find((i) => i.itemId === 'i4')).toMatchObject({ outcome: 'Succeeded' });
    expect(attempts.get('i3')).toBe(3);
    expect(recorder.names().length).toBeGreaterThan(5);
  });
});
