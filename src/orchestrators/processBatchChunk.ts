import * as df from 'durable-functions';
import { type TypedTask } from '../activities/defineActivity';
import { LoadBatchChunk } from '../activities/loadBatchChunk';
import { ProcessItem } from '../activities/processItem';
import {
  type BatchItem,
  errorMessage,
  type ItemResult,
  parseOrThrow,
  type ProcessBatchChunkInput,
  ProcessBatchChunkInputSchema,
} from '../domain';
import { stepRetry } from './retryPolicies';

const PROCESS_BATCH_CHUNK = 'processBatchChunk';

/** Starts one chunk as a sub-orchestration with a deterministic instance id. */
export function callProcessBatchChunk(
  context: df.OrchestrationContext,
  input: ProcessBatchChunkInput,
): TypedTask<ItemResult[]> {
  const instanceId = `${context.df.instanceId}:chunk:${input.chunkIndex}`;
  return context.df.callSubOrchestrator(PROCESS_BATCH_CHUNK, input, instanceId);
}

/**
 * Fans out ProcessItem over one chunk and fans back in. Task.all fails fast, so when an item's
 * retries run out the chunk keeps every result it has, records that item as Failed, and awaits
 * the rest with fresh tasks (ProcessItem is idempotent, so a duplicate run costs nothing). No
 * task is yielded twice.
 */
function* processBatchChunk(context: df.OrchestrationContext): Generator<df.Task, ItemResult[], unknown> {
  const { batchId, chunkIndex } = parseOrThrow(
    ProcessBatchChunkInputSchema,
    context.df.getInput(),
    'processBatchChunk input',
  );
  const items = yield* LoadBatchChunk.run(context, { batchId, chunkIndex }, stepRetry());
  const results = new Map<string, ItemResult>();
  let pending: BatchItem[] = items;
  while (pending.length > 0) {
    const tasks = pending.map((item) => ProcessItem.call(context, { batchId, item }, stepRetry()));
    try {
      const done = (yield context.df.Task.all(tasks)) as ItemResult[];
      done.forEach((r) => results.set(r.itemId, r));
      pending = [];
    } catch {
      const stillRunning: BatchItem[] = [];
      tasks.forEach((task, i) => {
        const item = pending[i] as BatchItem;
        if (task.isFaulted) {
          results.set(item.itemId, {
            itemId: item.itemId,
            outcome: 'Failed',
            reason: errorMessage(task.result),
          });
        } else if (task.isCompleted) {
          results.set(item.itemId, task.result as ItemResult);
        } else {
          stillRunning.push(item);
        }
      });
      pending = stillRunning;
    }
  }
  return items.map(
    (item) => results.get(item.itemId) ?? { itemId: item.itemId, outcome: 'Failed', reason: 'No result' },
  );
}

df.app.orchestration(PROCESS_BATCH_CHUNK, processBatchChunk);
