import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import { findForbiddenKey, RESERVED_EVENT_NAMES } from '../domain';
import { findStatus } from '../http/instances';
import { errorResponse, json } from '../http/responses';

const EventNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'Letters, digits and _ . - (max 100)');

/**
 * POST /api/instances/{instanceId}/events/{eventName}, admin level. Workflow-owned events are
 * refused: an approval must go through SubmitApproval, which checks the token.
 */
export async function raiseEvent(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const instanceId = request.params.instanceId ?? '';
  const eventName = request.params.eventName ?? '';
  const name = EventNameSchema.safeParse(eventName);
  if (!name.success) {
    return errorResponse(400, 'ValidationFailed', 'Invalid event name', [
      { path: 'eventName', message: name.error.issues[0]?.message ?? 'Invalid' },
    ]);
  }
  // Compared without case: the extension matches event names case-insensitively.
  if (RESERVED_EVENT_NAMES.some((reserved) => reserved.toLowerCase() === eventName.toLowerCase())) {
    return errorResponse(
      400,
      'ReservedEventName',
      `${eventName} is raised only by its workflow's own endpoint`,
      [{ path: 'eventName', message: 'Reserved by a workflow' }],
    );
  }
  const text = await request.text();
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
  if (!(await findStatus(client, instanceId)))
    return errorResponse(404, 'InstanceNotFound', `No orchestration instance ${instanceId}`);
  await client.raiseEvent(instanceId, eventName, data);
  return json(202, { instanceId, eventName });
}

df.app.client.http('RaiseEvent', {
  route: 'instances/{instanceId}/events/{eventName}',
  methods: ['POST'],
  authLevel: 'admin',
  handler: raiseEvent,
});
