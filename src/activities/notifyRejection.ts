import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

export const NotifyRejection = defineActivity({
  name: 'NotifyRejection',
  input: z.strictObject({ requestId: IdSchema }),
  handler: async ({ requestId }): Promise<{ messageId: string }> => {
    const { approvals, outbox } = await getRepositories();
    const task = await approvals.get(requestId);
    if (!task) throw new Error(`Approval task "${requestId}" does not exist`);
    const { doc } = await outbox.add({
      id: `ApprovalRejected:${requestId}`,
      kind: 'ApprovalRejected',
      to: task.request.requestedBy,
      subject: `Rejected: ${task.request.subject}`,
      body: `${task.request.approver} rejected your request${task.comment ? `: ${task.comment}` : '.'}`,
      createdAt: new Date().toISOString(),
    });
    return { messageId: doc.id };
  },
});
