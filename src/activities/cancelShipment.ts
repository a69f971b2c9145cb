import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/** Compensation for CreateShipment; never for an order whose workflow recorded that it completed. */
export const CancelShipment = defineActivity({
  name: 'CancelShipment',
  input: z.strictObject({ orderId: IdSchema }),
  handler: async ({ orderId }): Promise<{ cancelled: boolean }> => {
    const { orders, shipments } = await getRepositories();
    if (await orders.hasCompleted(orderId)) return { cancelled: false };
    return { cancelled: (await shipments.cancel(orderId, new Date().toISOString())) === 'Cancelled' };
  },
});
