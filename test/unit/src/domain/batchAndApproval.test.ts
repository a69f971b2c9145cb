import {
  BATCH_MAX_ITEMS,
  batchChunkSize,
  chunkWindow,
  CreateApprovalRequestSchema,
  CreateBatchRequestSchema,
  parseInput,
  SubmitApprovalBodySchema,
} from '../../../../src/domain';

const paths = (schema: Parameters<typeof parseInput>[0], raw: unknown) => {
  const result = parseInput(schema, raw);
  return result.ok ? [] : result.issues.map((i) => i.path);
};

describe('batch and approval schemas', () => {
  it('accepts a batch up to the item limit and names duplicate item ids', () => {
    const items = Array.from({ length: BATCH_MAX_ITEMS }, (_, i) => ({
      itemId: `i${i}`,
      productId: 'widget-1',
      quantity: 1,
    }));
    expect(paths(CreateBatchRequestSchema, { batchId: 'b1', items })).toEqual([]);
    expect(paths(CreateBatchRequestSchema, { batchId: 'b1', items: [...items, items[0]] })).toEqual([
      'items',
    ]);
    expect(paths(CreateBatchRequestSchema, { batchId: 'b1', items: [items[0], items[0]] })).toEqual([
      'items.1.itemId',
    ]);
  });

  it('sizes chunks at a tenth of the batch, between 10 and 100 items', () => {
    expect([1, 9, 99, 100, 250, 999, 1_000, 5_000, 10_000].map(batchChunkSize)).toEqual([
      10, 10, 10, 10, 25, 99, 100, 100, 100,
    ]);
  });

  it('runs at most a tenth of the batch at once, and at least one chunk', () => {
    const window = (totalItems: number, chunkSize: number, parallelism = 10) =>
      chunkWindow({ totalItems, chunkSize, parallelism });
    expect(window(1_000, 100)).toBe(1);
    expect(window(10_000, 100)).toBe(10);
    expect(window(10_000, 100, 4)).toBe(4);
    expect(window(200, 10)).toBe(2);
    expect(window(5, 1)).toBe(1);
  });

  it('rejects ids that could not be a Cosmos id', () => {
    expect(
      paths(CreateBatchRequestSchema, {
        batchId: 'a/b',
        items: [{ itemId: 'x', productId: 'p', quantity: 1 }],
      }),
    ).toEqual(['batchId']);
  });

  it('names bad approval fields', () => {
    const raw = {
      requestId: 'r1',
      requestedBy: 'not-an-email',
      approver: 'boss@example.com',
      subject: 'x',
      timeoutSeconds: 0,
    };
    expect(paths(CreateApprovalRequestSchema, raw).sort()).toEqual(['requestedBy', 'timeoutSeconds']);
    expect(paths(SubmitApprovalBodySchema, { decision: 'maybe' })).toEqual(['decision']);
  });
});
