import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { EventNameSchema, findForbiddenKey, InstanceIdSchema, RESERVED_EVENT_NAMES } from '../domain';
import { findStatus } from '../http/instances';
import { errorResponse, guarded, json, readJsonText, validatedParam } from '../http/responses';

/**
 * POST /api/instances/{instanceId}/events/{eventName}, admin level. Workflow-owned events are
 * refused: an approval must go through SubmitApproval, which checks the token.
 */
export async function raiseEvent(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const instance = validatedParam('instanceId', InstanceIdSchema, request.params.instanceId);
  if (!instance.ok) return instance.response;
  const name = validatedParam('eventName', EventNameSchema, request.params.eventName);
  if (!name.ok) return name.response;
  const instanceId = instance.value;
  const eventName = name.value;
  // Compared without case: the extension matches event names case-insensitively.
  if (RESERVED_EVENT_NAMES.some((reserved) => reserved.toLowerCase() === eventName.toLowerCase())) {
    return errorResponse(
      400,
      'ReservedEventName',
      `${eventName} is raised only by its workflow's own endpoint`,
      [{ path: 'eventName', message: 'Reserved by a workflow' }],
    );
  }
  const body = await readJsonText(request);
  if (!body.ok) return body.response;
  const text = body.value;
  let data: unknown = null;
  if (text.trim() !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      return errorResponse(400, 'InvalidJson', 'The body is not valid JSON');
    }
  }
  const forbidden = findForbiddenKey(data);
  if (forbidden) return errorResponse(400, 'ValidationFailed', forbidden.message, [forbidden]);
  return guarded(async () => {
    if (!(await findStatus(client, instanceId)))
      return errorResponse(404, 'InstanceNotFound', `No orchestration instance ${instanceId}`);
    await client.raiseEvent(instanceId, eventName, data);
    return json(202, { instanceId, eventName });
  });
}

df.app.client.http('RaiseEvent', {
  route: 'instances/{instanceId}/events/{eventName}',
  methods: ['POST'],
  authLevel: 'admin',
  handler: raiseEvent,
});
