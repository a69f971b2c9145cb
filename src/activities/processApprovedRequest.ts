import { z } from 'zod';
import { IdSchema } from '../domain';
import { sendDecisionNotice } from './decisionNotice';
import { defineActivity } from './defineActivity';

/** The approved work: tell the requester to go ahead (the outbox stands in for their inbox). */
export const ProcessApprovedRequest = defineActivity({
  name: 'ProcessApprovedRequest',
  input: z.strictObject({ requestId: IdSchema }),
  handler: ({ requestId }) => sendDecisionNotice(requestId, 'Approved'),
});
