import { EventType } from '../../../devhost/src/protocol/history';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { BATCH_CHUNK_PARALLELISM, batchChunkSize, chunkCount } from '../../../src/domain';
import { fakeActivities } from './appHost';
import { startAppHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';
import { until } from '../../support/until';

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

// `until` polls: the engine runs on its own, and gated activities keep it from idling.

/** One gate per chunk: its items wait until the test opens it. */
function chunkGates(chunks: number) {
  const opens: (() => void)[] = [];
  const gates = Array.from({ length: chunks }, () => new Promise<void>((resolve) => opens.push(resolve)));
  return { wait: (chunk: number) => gates[chunk], open: (chunk: number) => opens[chunk]?.() };
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

  it('moves progress after every chunk, a tenth of a 1,000-item batch at a time', async () => {
    const total = 1_000;
    const chunkSize = batchChunkSize(total);
    const gates = chunkGates(chunkCount(total, chunkSize));
    fakeActivities(host, {
      LoadBatchChunk: storedBatch(total, chunkSize),
      ProcessItem: async (input: unknown) => {
        await gates.wait(Math.floor(Number((input as ItemRequest).item.itemId.slice(1)) / chunkSize));
        return processItem(input);
      },
    });
    const batchId = uniqueId('batch');
    const instanceId = await host.start('processBatch', {
      instanceId: `batch-${batchId}`,
      input: { batchId, totalItems: total, chunkSize, parallelism: BATCH_CHUNK_PARALLELISM },
    });
    const processed = async () =>
      ((await host.client.getStatus(instanceId))?.customStatus as { processed?: number } | undefined)
        ?.processed;
    await until('the batch starts', async () => (await processed()) === 0);
    const seen: (number | undefined)[] = [0];
    for (let chunk = 0; chunk < 10; chunk++) {
      gates.open(chunk);
      const before = seen[seen.length - 1];
      await until(`chunk ${chunk} counts`, async () => (await processed()) !== before);
      seen.push(await processed());
    }
    expect(seen).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000]);
    expect((await host.waitForStatus(instanceId, 'Completed')).output).toMatchObject({ total });
  });

  it('never runs or reports more than a tenth of the batch at once when chunks finish out of order', async () => {
    const gates = chunkGates(1);
    fakeActivities(host, {
      LoadBatchChunk: storedBatch(200, 10),
      ProcessItem: async (input: unknown) => {
        if ((input as ItemRequest).item.itemId === 'i9') await gates.wait(0);
        return processItem(input);
      },
    });
    const batchId = uniqueId('batch');
    const instanceId = await host.start('processBatch', {
      instanceId: `batch-${batchId}`,
      input: { batchId, totalItems: 200, chunkSize: 10, parallelism: 10 },
    });
    // Chunk 1 finishes while chunk 0 waits for its last item, and the parent has seen it: it
    // counts chunks in order, so nothing counts yet, and no third chunk starts, since the two
    // chunks are a tenth of the batch.
    await until('the parent sees chunk 1 complete', async () =>
      (await host.history(instanceId)).some(
        (e) => e.EventType === EventType.SubOrchestrationInstanceCompleted,
      ),
    );
    expect((await host.client.getStatus(instanceId))?.customStatus).toMatchObject({ processed: 0 });
    expect(await host.client.getStatus(`${instanceId}:chunk:2`)).toBeUndefined();
    gates.open(0);
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ total: 200, succeeded: 180, rejected: 20 });
    expect(done.customStatus).toEqual({ step: 'Processing', processed: 200, total: 200 });
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
