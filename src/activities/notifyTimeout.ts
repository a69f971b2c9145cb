import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { type ApprovalDecision, IdSchema, IsoDateTimeSchema } from '../domain';
import { defineActivity } from './defineActivity';

export type NotifyTimeoutResult =
  | { timedOut: true; messageId: string }
  | { timedOut: false; decision: ApprovalDecision; decidedAt?: string; comment?: string };

/**
 * Closes the task as timed out with the same compare-and-swap the approvers use. If an answer
 * landed first, it wins and is reported back, so Cosmos and the workflow never disagree.
 */
export const NotifyTimeout = defineActivity({
  name: 'NotifyTimeout',
  input: z.strictObject({ requestId: IdSchema, at: IsoDateTimeSchema }),
  handler: async ({ requestId, at }): Promise<NotifyTimeoutResult> => {
    const { approvals, outbox } = await getRepositories();
    const settled = await approvals.settle(requestId, 'TimedOut', at);
    if (settled.outcome === 'NotFound') throw new Error(`Approval task "${requestId}" does not exist`);
    const status = settled.doc.status;
    if (status === 'Approved' || status === 'Rejected') {
      const { decidedAt, comment } = settled.doc;
      return {
        timedOut: false,
        decision: status,
        ...(decidedAt ? { decidedAt } : {}),
        ...(comment ? { comment } : {}),
      };
    }
    const { doc } = await outbox.add({
      id: `ApprovalTimeout:${requestId}`,
      kind: 'ApprovalTimeout',
      to: settled.doc.request.requestedBy,
      subject: `No answer: ${settled.doc.request.subject}`,
      body: `${settled.doc.request.approver} did not answer before ${settled.doc.deadline ?? at}.`,
      createdAt: new Date().toISOString(),
    });
    return { timedOut: true, messageId: doc.id };
  },
});
