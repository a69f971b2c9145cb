import { z } from 'zod';
import { availableQuantity } from '../data/productRepository';
import { getRepositories } from '../data/repositories';
import { BatchItemSchema, IdSchema, type ItemResult } from '../domain';
import { defineActivity } from './defineActivity';

/**
 * Prices one batch line and checks that the quantity is available. Unknown products and
 * unavailable quantities are business rejections (results); storage errors throw and are retried.
 * The first recorded result wins, so a repeated run returns the same answer.
 */
export const ProcessItem = defineActivity({
  name: 'ProcessItem',
  input: z.strictObject({ batchId: IdSchema, item: BatchItemSchema }),
  handler: async ({ batchId, item }): Promise<ItemResult> => {
    const { products, batches } = await getRepositories();
    const product = await products.get(item.productId);
    let result: ItemResult;
    if (!product) {
      result = { itemId: item.itemId, outcome: 'Rejected', reason: `Unknown product "${item.productId}"` };
    } else if (availableQuantity(product) < item.quantity) {
      result = {
        itemId: item.itemId,
        outcome: 'Rejected',
        reason: `Only ${availableQuantity(product)} available`,
      };
    } else {
      const lineTotalCents = Math.round(product.unitPrice * 100) * item.quantity;
      result = { itemId: item.itemId, outcome: 'Succeeded', lineTotalCents };
    }
    return (await batches.recordResult(batchId, result)).doc;
  },
});
