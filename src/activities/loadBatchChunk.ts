import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { type BatchItem, IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/** Reads one chunk's items, so no orchestration input carries the whole batch. */
export const LoadBatchChunk = defineActivity({
  name: 'LoadBatchChunk',
  input: z.strictObject({ batchId: IdSchema, chunkIndex: z.number().int().min(0) }),
  handler: async ({ batchId, chunkIndex }): Promise<BatchItem[]> => {
    const { batches } = await getRepositories();
    const items = await batches.getChunk(batchId, chunkIndex);
    if (!items) throw new Error(`Batch "${batchId}" has no chunk ${chunkIndex}`);
    return items;
  },
});
