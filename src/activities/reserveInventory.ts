import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { type ReserveOutcome } from '../data/productRepository';
import { IdSchema, OrderItemSchema } from '../domain';
import { defineActivity } from './defineActivity';

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export type ReserveInventoryResult = { status: 'Reserved' } | { status: 'OutOfStock'; shortages: Shortage[] };

const ReserveInventoryInputSchema = z.strictObject({
  orderId: IdSchema,
  items: z.array(OrderItemSchema.pick({ productId: true, quantity: true })).min(1),
});

/**
 * All or nothing: reserves every line, and if any is short, releases what this order holds
 * before reporting the shortages. Idempotent by order id (see ProductRepository.reserve).
 */
export const ReserveInventory = defineActivity({
  name: 'ReserveInventory',
  input: ReserveInventoryInputSchema,
  handler: async ({ orderId, items }): Promise<ReserveInventoryResult> => {
    const { products } = await getRepositories();
    const outcomes: ReserveOutcome[] = [];
    for (const item of items) {
      outcomes.push(await products.reserve(item.productId, orderId, item.quantity));
    }
    const shortages = outcomes.flatMap((o): Shortage[] => {
      if (o.outcome === 'Insufficient')
        return [{ productId: o.productId, requested: o.requested, available: o.available }];
      if (o.outcome === 'UnknownProduct') {
        const requested = items.find((i) => i.productId === o.productId)?.quantity ?? 0;
        return [{ productId: o.productId, requested, available: 0 }];
      }
      return [];
    });
    if (shortages.length === 0) return { status: 'Reserved' };
    for (const item of items) await products.release(item.productId, orderId);
    return { status: 'OutOfStock', shortages };
  },
});
