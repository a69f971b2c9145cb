import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { findStatus, statusView } from '../http/instances';
import { approvalPath, clientLinks } from '../http/links';
import { errorResponse, guarded, json, validatedParam } from '../http/responses';

/**
 * GET /api/approvals/{requestId}: the approval task as recorded (the decision's source of truth)
 * and its workflow. Never the token's hash.
 */
export async function getApproval(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const requestId = validatedParam('requestId', IdSchema, request.params.requestId);
  if (!requestId.ok) return requestId.response;
  return guarded(async () => {
    const { approvals } = await getRepositories();
    const task = await approvals.get(requestId.value);
    if (!task) return errorResponse(404, 'ApprovalNotFound', `No approval request ${requestId.value}`);
    const status = await findStatus(client, task.instanceId);
    return json(200, {
      approval: {
        request: task.request,
        status: task.status,
        deadline: task.deadline ?? null,
        decidedAt: task.decidedAt ?? null,
        comment: task.comment ?? null,
        createdAt: task.createdAt,
      },
      orchestration: status ? statusView(status) : null,
      ...clientLinks(task.instanceId, approvalPath(task.id)),
    });
  });
}

df.app.client.http('GetApproval', {
  route: 'approvals/{requestId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: getApproval,
});
