import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getConfig } from '../config';
import { getRepositories } from '../data/repositories';
import { type ApprovalWorkflowInput, CreateApprovalRequestSchema } from '../domain';
import { alreadyExists, findStatus, startAndAccept } from '../http/instances';
import { approvalPath } from '../http/links';
import { guarded, readBody } from '../http/responses';
import { APPROVAL_WORKFLOW, approvalInstanceId } from '../orchestrators/approvalWorkflow';

/** POST /api/approvals: records the approval task and starts approvalWorkflow for it. */
export async function startApproval(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const body = await readBody(request, CreateApprovalRequestSchema);
  if (!body.ok) return body.response;
  const { timeoutSeconds, ...approvalRequest } = body.value;
  return guarded(async () => {
    const { approvals } = await getRepositories();
    const instanceId = approvalInstanceId(approvalRequest.requestId);
    const { created } = await approvals.create({
      id: approvalRequest.requestId,
      instanceId,
      request: approvalRequest,
      status: 'Pending',
      createdAt: new Date().toISOString(),
    });
    if (!created && (await findStatus(client, instanceId))) {
      return alreadyExists(
        `Approval request ${approvalRequest.requestId}`,
        instanceId,
        approvalPath(approvalRequest.requestId),
      );
    }
    // Settings reach the workflow through its input, never through its environment.
    const input: ApprovalWorkflowInput = {
      request: approvalRequest,
      timeoutSeconds: timeoutSeconds ?? getConfig().APPROVAL_TIMEOUT_SECONDS,
    };
    return startAndAccept(client, {
      orchestrator: APPROVAL_WORKFLOW,
      instanceId,
      input,
      what: `Approval request ${approvalRequest.requestId}`,
      resourcePath: approvalPath(approvalRequest.requestId),
    });
  });
}

df.app.client.http('StartApproval', {
  route: 'approvals',
  methods: ['POST'],
  authLevel: 'function',
  handler: startApproval,
});
