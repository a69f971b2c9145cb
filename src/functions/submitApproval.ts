import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { hashApprovalToken, tokenFromLink, tokenMatches } from '../activities/approvalToken';
import { getRepositories } from '../data/repositories';
import { type ApprovalTaskDoc } from '../data/approvalRepository';
import { type OutboxRepository } from '../data/outboxRepository';
import {
  APPROVAL_EVENT,
  type ApprovalResponseEvent,
  IdSchema,
  InstanceIdSchema,
  SubmitApprovalBodySchema,
} from '../domain';
import { errorResponse, guarded, json, readBody, validatedParam } from '../http/responses';

const REQUEST_PREFIX = 'approval-';

/**
 * POST /api/approvals/{instanceId}/response, anonymous: the one-time token is the credential, so
 * it is checked before the answer says anything about the request beyond whether it exists:
 * invalid id 400, unknown 404, no token 401, wrong token 403, and only then decided 409 or
 * expired 410. The decision is settled in Cosmos with If-Match first; only the request that wins
 * decides, so two approvers racing cannot both decide (a later try raises the recorded decision
 * again, in case the winner died before its event).
 */
export async function submitApproval(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const instance = validatedParam('instanceId', InstanceIdSchema, request.params.instanceId);
  if (!instance.ok) return instance.response;
  const instanceId = instance.value;
  const body = await readBody(request, SubmitApprovalBodySchema);
  if (!body.ok) return body.response;
  return guarded(async () => {
    const { approvals, outbox } = await getRepositories();
    const requestId = instanceId.startsWith(REQUEST_PREFIX)
      ? IdSchema.safeParse(instanceId.slice(REQUEST_PREFIX.length)).data
      : undefined;
    const task = requestId ? await approvals.get(requestId) : undefined;
    if (!requestId || !task)
      return errorResponse(404, 'ApprovalNotFound', `No approval request for ${instanceId}`);

    const token =
      request.query.get('token') ?? body.value.token ?? request.headers.get('x-approval-token') ?? '';
    if (token === '') {
      return errorResponse(
        401,
        'ApprovalTokenMissing',
        'Use the link from the approval message: it carries the token',
      );
    }
    if (!(await tokenOpens(task, token, outbox))) {
      return errorResponse(403, 'ApprovalTokenInvalid', 'This token does not open this approval request');
    }

    const now = new Date().toISOString();
    const closed = closedAnswer(task, now);
    if (closed) {
      await wakeIfDecided(client, instanceId, task);
      return closed;
    }

    const settled = await approvals.settle(requestId, body.value.decision, now, body.value.comment);
    if (settled.outcome === 'NotFound')
      return errorResponse(404, 'ApprovalNotFound', `No approval request for ${instanceId}`);
    if (settled.outcome !== 'Decided') {
      await wakeIfDecided(client, instanceId, settled.doc);
      return closedAnswer(settled.doc, now) ?? errorResponse(409, 'AlreadyDecided', 'Already decided');
    }

    // The workflow reads the decision back from Cosmos; the event only wakes it up.
    const event: ApprovalResponseEvent = {
      decision: body.value.decision,
      decidedAt: now,
      ...(body.value.comment ? { comment: body.value.comment } : {}),
    };
    await client.raiseEvent(instanceId, APPROVAL_EVENT, event);
    return json(200, { instanceId, requestId, decision: event.decision, decidedAt: now });
  });
}

/**
 * SendApprovalRequest writes the outbox message (the link the approver gets) before it stores the
 * token's hash, so a prompt approver can come in between: then the message's own token is the one
 * that opens the request.
 */
async function tokenOpens(task: ApprovalTaskDoc, token: string, outbox: OutboxRepository): Promise<boolean> {
  if (task.tokenHash) return tokenMatches(token, task.tokenHash);
  const message = await outbox.get(`ApprovalRequest:${task.id}`);
  const sent = message?.link ? tokenFromLink(message.link) : undefined;
  return sent !== undefined && tokenMatches(token, hashApprovalToken(sent));
}

/**
 * A decision recorded by a request that died before raising its event leaves the workflow asleep
 * until its deadline: the approver's next try raises the recorded decision again. The workflow
 * reads the record, not the event, and one that has ended refuses the event, which is fine.
 */
async function wakeIfDecided(client: df.DurableClient, instanceId: string, task: ApprovalTaskDoc) {
  if (task.status !== 'Approved' && task.status !== 'Rejected') return;
  const event: ApprovalResponseEvent = {
    decision: task.status,
    decidedAt: task.decidedAt ?? new Date().toISOString(),
    ...(task.comment ? { comment: task.comment } : {}),
  };
  await client.raiseEvent(instanceId, APPROVAL_EVENT, event).catch(() => undefined);
}

/** 409 once decided, 410 once timed out (by the workflow or by the clock). */
function closedAnswer(task: ApprovalTaskDoc, now: string) {
  if (task.status === 'Approved' || task.status === 'Rejected') {
    return errorResponse(
      409,
      'AlreadyDecided',
      `This request was already ${task.status.toLowerCase()} at ${task.decidedAt ?? 'an earlier time'}`,
    );
  }
  if (task.status === 'TimedOut' || (task.deadline !== undefined && now >= task.deadline)) {
    return errorResponse(
      410,
      'ApprovalExpired',
      `This request expired at ${task.deadline ?? 'its deadline'}`,
    );
  }
  return undefined;
}

df.app.client.http('SubmitApproval', {
  route: 'approvals/{instanceId}/response',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: submitApproval,
});
