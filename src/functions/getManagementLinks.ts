import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { InstanceIdSchema } from '../domain';
import { findStatus } from '../http/instances';
import { errorResponse, guarded, json, validatedParam } from '../http/responses';

/**
 * GET /api/instances/{instanceId}/links, admin level: the Durable management URLs of an
 * instance (status, raise event, terminate, restart, purge…). They carry the system key, which
 * opens every instance and entity of the task hub, so only operators holding the master key get
 * them; clients get the app's own links from the starters.
 */
export async function getManagementLinks(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const instanceId = validatedParam('instanceId', InstanceIdSchema, request.params.instanceId);
  if (!instanceId.ok) return instanceId.response;
  return guarded(async () => {
    if (!(await findStatus(client, instanceId.value)))
      return errorResponse(404, 'InstanceNotFound', `No orchestration instance ${instanceId.value}`);
    return json(200, client.createHttpManagementPayload(instanceId.value));
  });
}

df.app.client.http('GetManagementLinks', {
  route: 'instances/{instanceId}/links',
  methods: ['GET'],
  authLevel: 'admin',
  handler: getManagementLinks,
});
