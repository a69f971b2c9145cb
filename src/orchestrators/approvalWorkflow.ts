import * as df from 'durable-functions';
import { NotifyRejection } from '../activities/notifyRejection';
import { NotifyTimeout } from '../activities/notifyTimeout';
import { ProcessApprovedRequest } from '../activities/processApprovedRequest';
import { SendApprovalRequest } from '../activities/sendApprovalRequest';
import {
  APPROVAL_EVENT,
  type ApprovalOutcome,
  ApprovalResponseEventSchema,
  type ApprovalResult,
  ApprovalWorkflowInputSchema,
  parseOrThrow,
} from '../domain';
import { stepRetry } from './retryPolicies';

export const APPROVAL_WORKFLOW = 'approvalWorkflow';

export const approvalInstanceId = (requestId: string) => `approval-${requestId}`;

/**
 * Human approval: send the request, race the answer against the deadline, cancel the loser.
 * The decision's source of truth is the approval task in Cosmos (settled by compare-and-swap),
 * so a timeout that loses to an answer already recorded takes that answer.
 */
export function* approvalWorkflow(
  context: df.OrchestrationContext,
): Generator<df.Task, ApprovalResult, unknown> {
  const { request, timeoutSeconds } = parseOrThrow(
    ApprovalWorkflowInputSchema,
    context.df.getInput(),
    'approvalWorkflow input',
  );
  const { requestId } = request;
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + timeoutSeconds * 1000);

  context.df.setCustomStatus({ step: 'SendApprovalRequest', requestId });
  yield* SendApprovalRequest.run(
    context,
    { requestId, instanceId: context.df.instanceId, deadline: deadline.toISOString() },
    stepRetry(),
  );

  context.df.setCustomStatus({ step: 'AwaitingApproval', requestId, deadline: deadline.toISOString() });
  const timeout = context.df.createTimer(deadline);
  const answer = context.df.waitForExternalEvent(APPROVAL_EVENT);
  const winner = yield context.df.Task.any([answer, timeout]);

  let status: ApprovalOutcome;
  let decidedAt: string | undefined;
  let comment: string | undefined;
  if (winner === answer) {
    timeout.cancel();
    const event = parseOrThrow(ApprovalResponseEventSchema, answer.result, `${APPROVAL_EVENT} event`);
    status = event.decision;
    decidedAt = event.decidedAt;
    comment = event.comment;
  } else {
    context.df.setCustomStatus({ step: 'NotifyTimeout', requestId });
    const closed = yield* NotifyTimeout.run(context, { requestId, at: deadline.toISOString() }, stepRetry());
    status = closed.timedOut ? 'Timeout' : closed.decision;
    decidedAt = deadline.toISOString();
  }

  if (status === 'Approved') {
    context.df.setCustomStatus({ step: 'ProcessApprovedRequest', requestId });
    yield* ProcessApprovedRequest.run(context, { requestId }, stepRetry());
  } else if (status === 'Rejected') {
    context.df.setCustomStatus({ step: 'NotifyRejection', requestId });
    yield* NotifyRejection.run(context, { requestId }, stepRetry());
  }
  context.df.setCustomStatus({ step: 'Done', requestId, outcome: status });
  return { status, requestId, ...(decidedAt ? { decidedAt } : {}), ...(comment ? { comment } : {}) };
}

df.app.orchestration(APPROVAL_WORKFLOW, approvalWorkflow);
