import { z } from 'zod';
import { approvalBaseUrl, getConfig } from '../config';
import { getRepositories } from '../data/repositories';
import { IdSchema, InstanceIdSchema, IsoDateTimeSchema } from '../domain';
import { hashApprovalToken, newApprovalToken, tokenFromLink } from './approvalToken';
import { defineActivity } from './defineActivity';

/**
 * Mints the one-time token and puts the approval link into the outbox. The outbox message is
 * written first and is the token's only plain-text home; a repeated run reuses its token, so the
 * stored hash always matches the link that was sent. The result never contains the token.
 */
export const SendApprovalRequest = defineActivity({
  name: 'SendApprovalRequest',
  input: z.strictObject({ requestId: IdSchema, instanceId: InstanceIdSchema, deadline: IsoDateTimeSchema }),
  handler: async ({ requestId, instanceId, deadline }): Promise<{ messageId: string; sentTo: string }> => {
    const { approvals, outbox } = await getRepositories();
    const task = await approvals.get(requestId);
    if (!task) throw new Error(`Approval task "${requestId}" does not exist`);
    // A workflow started around StartApproval under another id must not send this request's link.
    if (task.instanceId !== instanceId)
      throw new Error(`Approval task "${requestId}" belongs to workflow ${task.instanceId}`);
    const url = new URL(
      `${approvalBaseUrl(getConfig())}/api/approvals/${encodeURIComponent(instanceId)}/response`,
    );
    url.searchParams.set('token', newApprovalToken());
    const { doc } = await outbox.add({
      id: `ApprovalRequest:${requestId}`,
      kind: 'ApprovalRequest',
      to: task.request.approver,
      subject: `Approval needed: ${task.request.subject}`,
      body:
        `${task.request.requestedBy} asks for your approval` +
        (task.request.amount !== undefined ? ` of ${task.request.amount}` : '') +
        `. POST {"decision":"Approved"} or {"decision":"Rejected"} to the link before ${deadline}.`,
      link: url.toString(),
      createdAt: new Date().toISOString(),
    });
    const token = doc.link ? tokenFromLink(doc.link) : undefined;
    if (!token) throw new Error(`Outbox message ${doc.id} has no approval token`);
    await approvals.open(requestId, hashApprovalToken(token), deadline);
    return { messageId: doc.id, sentTo: task.request.approver };
  },
});
