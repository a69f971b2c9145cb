import * as df from 'durable-functions';
import {
  type BatchResult,
  chunkCount,
  type ItemResult,
  parseOrThrow,
  ProcessBatchInputSchema,
} from '../domain';
import { callProcessBatchChunk } from './processBatchChunk';

export const PROCESS_BATCH = 'processBatch';

export const batchInstanceId = (batchId: string) => `batch-${batchId}`;

/**
 * Fan-out/fan-in over a stored batch. The input names the batch; items are read chunk by chunk
 * inside sub-orchestrations, so this instance's history grows by about four events per chunk
 * (about 400 for 10,000 items) and each chunk's by about two per item. Chunks run a window at a
 * time, and custom status reports progress after each window.
 */
export function* processBatch(context: df.OrchestrationContext): Generator<df.Task, BatchResult, unknown> {
  const input = parseOrThrow(ProcessBatchInputSchema, context.df.getInput(), 'processBatch input');
  const chunks = chunkCount(input.totalItems, input.chunkSize);
  const items: ItemResult[] = [];
  context.df.setCustomStatus({ step: 'Processing', processed: 0, total: input.totalItems });

  for (let first = 0; first < chunks; first += input.parallelism) {
    const window: ReturnType<typeof callProcessBatchChunk>[] = [];
    for (let index = first; index < Math.min(chunks, first + input.parallelism); index++) {
      window.push(callProcessBatchChunk(context, { batchId: input.batchId, chunkIndex: index }));
    }
    const chunkResults = (yield context.df.Task.all(window)) as ItemResult[][];
    for (const chunk of chunkResults) items.push(...chunk);
    context.df.setCustomStatus({ step: 'Processing', processed: items.length, total: input.totalItems });
  }

  const count = (outcome: ItemResult['outcome']) => items.filter((i) => i.outcome === outcome).length;
  return {
    status: 'Completed',
    batchId: input.batchId,
    total: items.length,
    succeeded: count('Succeeded'),
    rejected: count('Rejected'),
    failed: count('Failed'),
    items,
  };
}

df.app.orchestration(PROCESS_BATCH, processBatch);
