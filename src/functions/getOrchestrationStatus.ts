import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { findStatus, statusView } from '../http/instances';
import { errorResponse, json } from '../http/responses';

/**
 * GET /api/status/{instanceId}, function level: status without history. History is served by
 * GetOrchestrationHistory, an admin-level function, so the host's key check guards it.
 */
export async function getOrchestrationStatus(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const instanceId = request.params.instanceId ?? '';
  if (request.query.get('showHistory') === 'true') {
    return errorResponse(
      403,
      'HistoryNeedsAdmin',
      `History is served at /api/status/${instanceId}/history with the master key`,
    );
  }
  const status = await findStatus(client, instanceId);
  if (!status) return errorResponse(404, 'InstanceNotFound', `No orchestration instance ${instanceId}`);
  return json(200, statusView(status));
}

df.app.client.http('GetOrchestrationStatus', {
  route: 'status/{instanceId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: getOrchestrationStatus,
});
