import { z } from 'zod';
import { IdSchema } from '../domain';
import { sendDecisionNotice } from './decisionNotice';
import { defineActivity } from './defineActivity';

export const NotifyRejection = defineActivity({
  name: 'NotifyRejection',
  input: z.strictObject({ requestId: IdSchema }),
  handler: ({ requestId }) => sendDecisionNotice(requestId, 'Rejected'),
});
