import * as df from 'durable-functions';
import { NotifyRejection } from '../activities/notifyRejection';
import { NotifyTimeout } from '../activities/notifyTimeout';
import { ProcessApprovedRequest } from '../activities/processApprovedRequest';
import { ReadApprovalDecision, type RecordedApprovalDecision } from '../activities/readApprovalDecision';
import { SendApprovalRequest } from '../activities/sendApprovalRequest';
import {
  APPROVAL_EVENT,
  type ApprovalOutcome,
  type ApprovalResult,
  ApprovalWorkflowInputSchema,
  parseOrThrow,
} from '../domain';
import { stepRetry } from './retryPolicies';

export const APPROVAL_WORKFLOW = 'approvalWorkflow';

export const approvalInstanceId = (requestId: string) => `approval-${requestId}`;

/**
 * `ApprovalResponse` events whose decision is not recorded are ignored; after this many, only the
 * deadline ends the wait (NotifyTimeout then takes any decision recorded by that time), so events
 * raised around SubmitApproval cannot grow the history without bound.
 */
const MAX_UNRECORDED_EVENTS = 10;

/**
 * Human approval: send the request, race the answer against the deadline, cancel the loser.
 * The decision's source of truth is the approval task in Cosmos, settled by compare-and-swap by
 * SubmitApproval (after the token check) or by NotifyTimeout. The event only wakes the workflow:
 * anyone holding the system key can raise it, so the workflow reads the recorded decision back
 * and acts on that alone; an event with no recorded decision behind it is ignored.
 */
function* approvalWorkflow(context: df.OrchestrationContext): Generator<df.Task, ApprovalResult, unknown> {
  const { request, timeoutSeconds } = parseOrThrow(
    ApprovalWorkflowInputSchema,
    context.df.getInput(),
    'approvalWorkflow input',
  );
  const { requestId } = request;
  const instanceId = context.df.instanceId;
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + timeoutSeconds * 1000);

  context.df.setCustomStatus({ step: 'SendApprovalRequest', requestId });
  yield* SendApprovalRequest.run(
    context,
    { requestId, instanceId, deadline: deadline.toISOString() },
    stepRetry(),
  );

  context.df.setCustomStatus({ step: 'AwaitingApproval', requestId, deadline: deadline.toISOString() });
  let recorded: RecordedApprovalDecision | undefined;
  let deadlinePassed = false;
  for (let ignored = 0; !recorded && !deadlinePassed && ignored < MAX_UNRECORDED_EVENTS; ignored++) {
    // A fresh timer per wait: a task is yielded once, and the cancelled one never holds the instance.
    const timeout = context.df.createTimer(deadline);
    const answer = context.df.waitForExternalEvent(APPROVAL_EVENT);
    const winner = yield context.df.Task.any([answer, timeout]);
    if (winner !== answer) {
      deadlinePassed = true;
      break;
    }
    timeout.cancel();
    const read = yield* ReadApprovalDecision.run(context, { requestId, instanceId }, stepRetry());
    if (read.status === 'Approved' || read.status === 'Rejected') recorded = read;
  }
  if (!recorded && !deadlinePassed) yield context.df.createTimer(deadline);

  let status: ApprovalOutcome;
  let decidedAt: string | undefined;
  let comment: string | undefined;
  if (recorded) {
    status = recorded.status;
    decidedAt = recorded.decidedAt;
    comment = recorded.comment;
  } else {
    context.df.setCustomStatus({ step: 'NotifyTimeout', requestId });
    const closed = yield* NotifyTimeout.run(context, { requestId, at: deadline.toISOString() }, stepRetry());
    if (closed.timedOut) {
      status = 'Timeout';
      decidedAt = deadline.toISOString();
    } else {
      status = closed.decision;
      decidedAt = closed.decidedAt ?? deadline.toISOString();
      comment = closed.comment;
    }
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
