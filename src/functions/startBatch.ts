import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getRepositories } from '../data/repositories';
import {
  BATCH_CHUNK_PARALLELISM,
  batchChunkSize,
  CreateBatchRequestSchema,
  type ProcessBatchInput,
} from '../domain';
import { alreadyExists, findStatus, startAndAccept } from '../http/instances';
import { batchPath } from '../http/links';
import { guarded, readBody } from '../http/responses';
import { batchInstanceId, PROCESS_BATCH } from '../orchestrators/processBatch';

/** POST /api/batches: stores the items in Cosmos and starts processBatch with the batch id only. */
export async function startBatch(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const body = await readBody(request, CreateBatchRequestSchema);
  if (!body.ok) return body.response;
  const { batchId, items } = body.value;
  return guarded(async () => {
    const { batches } = await getRepositories();
    const instanceId = batchInstanceId(batchId);
    const { created } = await batches.save(
      {
        batchId,
        instanceId,
        totalItems: items.length,
        chunkSize: batchChunkSize(items.length),
        createdAt: new Date().toISOString(),
      },
      items,
    );
    if (!created && (await findStatus(client, instanceId)))
      return alreadyExists(`Batch ${batchId}`, instanceId, batchPath(batchId));
    const header = await batches.getHeader(batchId);
    const input: ProcessBatchInput = {
      batchId,
      totalItems: header?.totalItems ?? items.length,
      chunkSize: header?.chunkSize ?? batchChunkSize(items.length),
      parallelism: BATCH_CHUNK_PARALLELISM,
    };
    return startAndAccept(client, {
      orchestrator: PROCESS_BATCH,
      instanceId,
      input,
      what: `Batch ${batchId}`,
      resourcePath: batchPath(batchId),
    });
  });
}

df.app.client.http('StartBatch', {
  route: 'batches',
  methods: ['POST'],
  authLevel: 'function',
  handler: startBatch,
});
