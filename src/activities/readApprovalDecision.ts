import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { type ApprovalDecision, IdSchema, InstanceIdSchema } from '../domain';
import { defineActivity } from './defineActivity';

export interface RecordedApprovalDecision {
  status: ApprovalDecision;
  decidedAt: string;
  comment?: string;
}

export type ReadApprovalDecisionResult = { status: 'Pending' | 'TimedOut' } | RecordedApprovalDecision;

/**
 * The decision as SubmitApproval recorded it (token checked, written once with If-Match). An
 * `ApprovalResponse` event can be raised by anyone holding the system key, so the workflow acts
 * on this record, never on the event's payload.
 */
export const ReadApprovalDecision = defineActivity({
  name: 'ReadApprovalDecision',
  input: z.strictObject({ requestId: IdSchema, instanceId: InstanceIdSchema }),
  handler: async ({ requestId, instanceId }): Promise<ReadApprovalDecisionResult> => {
    const { approvals } = await getRepositories();
    const task = await approvals.get(requestId);
    if (!task) throw new Error(`Approval task "${requestId}" does not exist`);
    if (task.instanceId !== instanceId)
      throw new Error(`Approval task "${requestId}" belongs to workflow ${task.instanceId}`);
    if (task.status === 'Approved' || task.status === 'Rejected') {
      return {
        status: task.status,
        decidedAt: task.decidedAt ?? task.createdAt,
        ...(task.comment ? { comment: task.comment } : {}),
      };
    }
    return { status: task.status };
  },
});
