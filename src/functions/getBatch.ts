import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { findStatus, statusView } from '../http/instances';
import { batchPath, clientLinks } from '../http/links';
import { errorResponse, guarded, json, validatedParam } from '../http/responses';

/** GET /api/batches/{batchId}: the stored batch (without its items) and its workflow. */
export async function getBatch(request: HttpRequest, client: df.DurableClient, _context: InvocationContext) {
  const batchId = validatedParam('batchId', IdSchema, request.params.batchId);
  if (!batchId.ok) return batchId.response;
  return guarded(async () => {
    const { batches } = await getRepositories();
    const header = await batches.getHeader(batchId.value);
    if (!header) return errorResponse(404, 'BatchNotFound', `No batch ${batchId.value}`);
    const status = await findStatus(client, header.instanceId);
    return json(200, {
      batch: {
        batchId: header.batchId,
        totalItems: header.totalItems,
        chunkSize: header.chunkSize,
        createdAt: header.createdAt,
      },
      orchestration: status ? statusView(status) : null,
      ...clientLinks(header.instanceId, batchPath(header.batchId)),
    });
  });
}

df.app.client.http('GetBatch', {
  route: 'batches/{batchId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: getBatch,
});
