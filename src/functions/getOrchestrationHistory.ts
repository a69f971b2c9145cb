import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { findStatus, statusView } from '../http/instances';
import { errorResponse, json } from '../http/responses';

/** GET /api/status/{instanceId}/history, admin level: history can hold every input and output. */
export async function getOrchestrationHistory(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const instanceId = request.params.instanceId ?? '';
  const status = await findStatus(client, instanceId, {
    showHistory: true,
    showHistoryOutput: true,
    showInput: true,
  });
  if (!status) return errorResponse(404, 'InstanceNotFound', `No orchestration instance ${instanceId}`);
  return json(200, { ...statusView(status), input: status.input ?? null, history: status.history ?? [] });
}

df.app.client.http('GetOrchestrationHistory', {
  route: 'status/{instanceId}/history',
  methods: ['GET'],
  authLevel: 'admin',
  handler: getOrchestrationHistory,
});
