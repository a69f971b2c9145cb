import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/** Compensation for ReserveInventory; releasing twice is a no-op. */
export const ReleaseInventory = defineActivity({
  name: 'ReleaseInventory',
  input: z.strictObject({ orderId: IdSchema, productIds: z.array(IdSchema).min(1) }),
  handler: async ({ orderId, productIds }): Promise<{ released: string[] }> => {
    const { products } = await getRepositories();
    const released: string[] = [];
    for (const productId of productIds) {
      if (await products.release(productId, orderId)) released.push(productId);
    }
    return { released };
  },
});
