import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { InstanceIdSchema } from '../domain';
import { findStatus, statusView } from '../http/instances';
import { errorResponse, guarded, json, validatedParam } from '../http/responses';

/**
 * GET /api/status/{instanceId}, function level: the status resource every starter links to.
 * Status without history; history is served by GetOrchestrationHistory, an admin-level function,
 * so the host's key check guards it.
 */
export async function getOrchestrationStatus(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const instanceId = validatedParam('instanceId', InstanceIdSchema, request.params.instanceId);
  if (!instanceId.ok) return instanceId.response;
  if (request.query.get('showHistory') === 'true') {
    return errorResponse(
      403,
      'HistoryNeedsAdmin',
      `History is served at /api/status/${instanceId.value}/history with the master key`,
    );
  }
  return guarded(async () => {
    const status = await findStatus(client, instanceId.value);
    if (!status)
      return errorResponse(404, 'InstanceNotFound', `No orchestration instance ${instanceId.value}`);
    return json(200, statusView(status));
  });
}

df.app.client.http('GetOrchestrationStatus', {
  route: 'status/{instanceId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: getOrchestrationStatus,
});
