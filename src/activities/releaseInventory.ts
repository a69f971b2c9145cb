import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/** Compensation for ReserveInventory; releasing twice is a no-op and answers the same. */
export const ReleaseInventory = defineActivity({
  name: 'ReleaseInventory',
  input: z.strictObject({ orderId: IdSchema, productIds: z.array(IdSchema).min(1) }),
  handler: async ({ orderId, productIds }): Promise<{ orderId: string; releasedProductIds: string[] }> => {
    const { products } = await getRepositories();
    for (const productId of productIds) await products.release(productId, orderId);
    return { orderId, releasedProductIds: productIds };
  },
});
