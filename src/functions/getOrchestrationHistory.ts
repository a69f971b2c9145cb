import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { InstanceIdSchema } from '../domain';
import { findStatus, statusView } from '../http/instances';
import { errorResponse, guarded, json, validatedParam } from '../http/responses';

/** GET /api/status/{instanceId}/history, admin level: history can hold every input and output. */
export async function getOrchestrationHistory(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const instanceId = validatedParam('instanceId', InstanceIdSchema, request.params.instanceId);
  if (!instanceId.ok) return instanceId.response;
  return guarded(async () => {
    const status = await findStatus(client, instanceId.value, {
      showHistory: true,
      showHistoryOutput: true,
      showInput: true,
    });
    if (!status)
      return errorResponse(404, 'InstanceNotFound', `No orchestration instance ${instanceId.value}`);
    return json(200, { ...statusView(status), input: status.input ?? null, history: status.history ?? [] });
  });
}

df.app.client.http('GetOrchestrationHistory', {
  route: 'status/{instanceId}/history',
  methods: ['GET'],
  authLevel: 'admin',
  handler: getOrchestrationHistory,
});
