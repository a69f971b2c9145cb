import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/** The approved work: tell the requester to go ahead (the outbox stands in for their inbox). */
export const ProcessApprovedRequest = defineActivity({
  name: 'ProcessApprovedRequest',
  input: z.strictObject({ requestId: IdSchema }),
  handler: async ({ requestId }): Promise<{ messageId: string }> => {
    const { approvals, outbox } = await getRepositories();
    const task = await approvals.get(requestId);
    if (!task) throw new Error(`Approval task "${requestId}" does not exist`);
    const { doc } = await outbox.add({
      id: `ApprovalApproved:${requestId}`,
      kind: 'ApprovalApproved',
      to: task.request.requestedBy,
      subject: `Approved: ${task.request.subject}`,
      body: `${task.request.approver} approved your request${task.comment ? `: ${task.comment}` : '.'}`,
      createdAt: new Date().toISOString(),
    });
    return { messageId: doc.id };
  },
});
