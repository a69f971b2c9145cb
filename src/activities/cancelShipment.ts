import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/** Compensation for CreateShipment. */
export const CancelShipment = defineActivity({
  name: 'CancelShipment',
  input: z.strictObject({ orderId: IdSchema }),
  handler: async ({ orderId }): Promise<{ cancelled: boolean }> => {
    const { shipments } = await getRepositories();
    return { cancelled: (await shipments.cancel(orderId, new Date().toISOString())) === 'Cancelled' };
  },
});
