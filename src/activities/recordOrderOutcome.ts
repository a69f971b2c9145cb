import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import {
  IdSchema,
  InstanceIdSchema,
  IsoDateTimeSchema,
  type RecordedOrderOutcome,
  RecordedOrderOutcomeSchema,
} from '../domain';
import { defineActivity } from './defineActivity';

/**
 * Writes how the order ended into its document, once: from then on the order is settled, and
 * no later run (a restart through the management API) validates, charges or compensates it.
 * Returns the outcome the document holds, which is this one unless an earlier one was recorded.
 */
export const RecordOrderOutcome = defineActivity({
  name: 'RecordOrderOutcome',
  input: z.strictObject({
    orderId: IdSchema,
    instanceId: InstanceIdSchema,
    outcome: RecordedOrderOutcomeSchema,
    at: IsoDateTimeSchema,
  }),
  handler: async ({ orderId, instanceId, outcome, at }): Promise<RecordedOrderOutcome> => {
    const { orders } = await getRepositories();
    const recorded = await orders.recordOutcome(orderId, instanceId, outcome, at);
    if (recorded.outcome === 'NotFound') throw new Error(`Order ${orderId} does not exist`);
    if (recorded.outcome === 'OtherWorkflow')
      throw new Error(`Order ${orderId} is not the order of workflow ${instanceId}`);
    return recorded.doc.outcome ?? outcome;
  },
});
