import { getRepositories } from '../data/repositories';

/**
 * Tells the requester how the approver decided. The outbox stands in for their inbox; the message
 * id is derived from the request, so a repeated run adds nothing.
 */
export async function sendDecisionNotice(
  requestId: string,
  decision: 'Approved' | 'Rejected',
): Promise<{ messageId: string }> {
  const { approvals, outbox } = await getRepositories();
  const task = await approvals.get(requestId);
  if (!task) throw new Error(`Approval task "${requestId}" does not exist`);
  const verb = decision === 'Approved' ? 'approved' : 'rejected';
  const { doc } = await outbox.add({
    id: `Approval${decision}:${requestId}`,
    kind: `Approval${decision}`,
    to: task.request.requestedBy,
    subject: `${decision}: ${task.request.subject}`,
    body: `${task.request.approver} ${verb} your request${task.comment ? `: ${task.comment}` : '.'}`,
    createdAt: new Date().toISOString(),
  });
  return { messageId: doc.id };
}
