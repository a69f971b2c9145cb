import * as df from 'durable-functions';
import { result } from '../activities/defineActivity';
import {
  type BatchResult,
  chunkCount,
  chunkWindow,
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
 * (about 400 for 10,000 items) and each chunk's by about two per item.
 *
 * Chunks run a window at a time, the window holding at most a tenth of the batch (`chunkWindow`).
 * Custom status moves as each chunk of the window completes, in chunk order: the window is
 * started with one `Task.any` and its chunks are then awaited one by one. A task is never part of
 * a second `Task.any`/`Task.all` (the SDK would send its action again and the host would schedule
 * the chunk twice), so a chunk that finishes before an older one is counted when the older one
 * is, which is at most the window, a tenth of the batch.
 */
function* processBatch(context: df.OrchestrationContext): Generator<df.Task, BatchResult, unknown> {
  const input = parseOrThrow(ProcessBatchInputSchema, context.df.getInput(), 'processBatch input');
  const chunks = chunkCount(input.totalItems, input.chunkSize);
  const window = chunkWindow(input);
  const items: ItemResult[] = [];
  const progress = () => ({ step: 'Processing' as const, processed: items.length, total: input.totalItems });
  context.df.setCustomStatus(progress());

  for (let first = 0; first < chunks; first += window) {
    const running: ReturnType<typeof callProcessBatchChunk>[] = [];
    for (let index = first; index < Math.min(chunks, first + window); index++) {
      running.push(callProcessBatchChunk(context, { batchId: input.batchId, chunkIndex: index }));
    }
    yield context.df.Task.any(running);
    for (const chunk of running) {
      items.push(...(yield* result(chunk)));
      context.df.setCustomStatus(progress());
    }
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
