import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/**
 * Compensation for ReserveInventory; releasing twice is a no-op and answers the same. The stock
 * of an order whose workflow recorded that it completed stays reserved: it was sold.
 */
export const ReleaseInventory = defineActivity({
  name: 'ReleaseInventory',
  input: z.strictObject({ orderId: IdSchema, productIds: z.array(IdSchema).min(1) }),
  handler: async ({ orderId, productIds }): Promise<{ orderId: string; releasedProductIds: string[] }> => {
    const { orders, products } = await getRepositories();
    if (await orders.hasCompleted(orderId)) return { orderId, releasedProductIds: [] };
    for (const productId of productIds) await products.release(productId, orderId);
    return { orderId, releasedProductIds: productIds };
  },
});
