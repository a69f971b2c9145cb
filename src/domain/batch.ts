import { z } from 'zod';
import { IdSchema } from './ids';
import {
  BATCH_CHUNK_SIZE,
  BATCH_MAX_ITEMS,
  BATCH_MIN_CHUNK_SIZE,
  BATCH_MIN_ITEMS,
  BATCH_PROGRESS_STEPS,
  ITEM_MAX_QUANTITY,
  ITEM_MIN_QUANTITY,
} from './limits';

/** One line of a batch: price and check availability of a quantity of a product. */
export const BatchItemSchema = z.strictObject({
  itemId: IdSchema,
  productId: IdSchema,
  quantity: z.number().int().min(ITEM_MIN_QUANTITY).max(ITEM_MAX_QUANTITY),
});

export const CreateBatchRequestSchema = z.strictObject({
  batchId: IdSchema,
  items: z
    .array(BatchItemSchema)
    .min(BATCH_MIN_ITEMS)
    .max(BATCH_MAX_ITEMS)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.itemId)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'itemId'],
            message: 'Item ids must be unique within a batch',
          });
        }
        seen.add(item.itemId);
      });
    }),
});

const ItemOutcomeSchema = z.enum(['Succeeded', 'Rejected', 'Failed']);

/** Business failures come back as `Rejected` with a reason; `Failed` means retries ran out. */
export const ItemResultSchema = z.strictObject({
  itemId: IdSchema,
  outcome: ItemOutcomeSchema,
  reason: z.string().optional(),
  lineTotalCents: z.number().int().optional(),
});

export const ProcessBatchInputSchema = z.strictObject({
  batchId: IdSchema,
  totalItems: z.number().int().min(BATCH_MIN_ITEMS).max(BATCH_MAX_ITEMS),
  chunkSize: z.number().int().min(1).max(1_000),
  parallelism: z.number().int().min(1).max(100),
});

export const ProcessBatchChunkInputSchema = z.strictObject({
  batchId: IdSchema,
  chunkIndex: z.number().int().min(0),
});

export const BatchResultSchema = z.strictObject({
  status: z.literal('Completed'),
  batchId: IdSchema,
  total: z.number().int(),
  succeeded: z.number().int(),
  rejected: z.number().int(),
  failed: z.number().int(),
  items: z.array(ItemResultSchema),
});

export type BatchItem = z.infer<typeof BatchItemSchema>;
export type ItemResult = z.infer<typeof ItemResultSchema>;
export type ProcessBatchInput = z.infer<typeof ProcessBatchInputSchema>;
export type ProcessBatchChunkInput = z.infer<typeof ProcessBatchChunkInputSchema>;
export type BatchResult = z.infer<typeof BatchResultSchema>;

export function chunkCount(totalItems: number, chunkSize: number): number {
  return Math.ceil(totalItems / chunkSize);
}

/**
 * Items per chunk for a new batch: a tenth of the batch, between BATCH_MIN_CHUNK_SIZE and
 * BATCH_CHUNK_SIZE. Progress moves a chunk at a time, so from 100 items on it moves in steps of at
 * most a tenth; a smaller batch moves ten items at a time.
 */
export function batchChunkSize(totalItems: number): number {
  return Math.min(
    BATCH_CHUNK_SIZE,
    Math.max(BATCH_MIN_CHUNK_SIZE, Math.floor(totalItems / BATCH_PROGRESS_STEPS)),
  );
}

/**
 * Chunks the parent runs at once: at most `parallelism`, and together at most a tenth of the
 * batch (at least one chunk), so a window that finishes out of order moves progress by a tenth at
 * most.
 */
export function chunkWindow(
  input: Pick<ProcessBatchInput, 'totalItems' | 'chunkSize' | 'parallelism'>,
): number {
  const tenth = Math.floor(input.totalItems / BATCH_PROGRESS_STEPS / input.chunkSize);
  return Math.max(1, Math.min(input.parallelism, tenth));
}
