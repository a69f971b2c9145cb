import {
  BATCH_MAX_ITEMS,
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
