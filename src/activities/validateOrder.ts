import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import {
  InstanceIdSchema,
  orderTotalCents,
  OrderSchema,
  parseInput,
  sameOrder,
  type ValidationIssue,
} from '../domain';
import { defineActivity } from './defineActivity';

/**
 * `owned: false` means the run is not the order's own workflow (no such stored order, another
 * instance, different content, or an order that already ended): it must leave the order alone,
 * record nothing and count nothing.
 */
export type ValidateOrderResult =
  { valid: true; totalCents: number } | { valid: false; owned: boolean; issues: ValidationIssue[] };

const notOwned = (path: string, message: string): ValidateOrderResult => ({
  valid: false,
  owned: false,
  issues: [{ path, message }],
});

/**
 * Re-checks the order inside the workflow, before any side effect: anyone holding the system key
 * can start or restart an instance with any input, so the input must be the order the starter
 * stored, for this instance, not yet ended; then the catalog must still agree with its prices.
 */
export const ValidateOrder = defineActivity({
  name: 'ValidateOrder',
  input: z.strictObject({ order: z.unknown(), instanceId: InstanceIdSchema }),
  handler: async ({ order: raw, instanceId }): Promise<ValidateOrderResult> => {
    const parsed = parseInput(OrderSchema, raw);
    if (!parsed.ok) return { valid: false, owned: false, issues: parsed.issues };
    const order = parsed.value;
    const { orders, products } = await getRepositories();
    const stored = await orders.get(order.id);
    if (!stored) return notOwned('id', `No order ${order.id} was placed through POST /api/orders`);
    if (stored.instanceId !== instanceId)
      return notOwned('id', `Order ${order.id} belongs to workflow ${stored.instanceId}`);
    if (!sameOrder(stored, order)) return notOwned('', `The input differs from the stored order ${order.id}`);
    if (stored.outcome)
      return notOwned('id', `Order ${order.id} already ended (${stored.outcome.status}); it runs once`);

    const catalog = await products.getMany(order.items.map((i) => i.productId));
    const issues: ValidationIssue[] = [];
    order.items.forEach((item, i) => {
      const product = catalog.get(item.productId);
      if (!product) {
        issues.push({ path: `items.${i}.productId`, message: `Unknown product "${item.productId}"` });
      } else if (product.currency !== order.currency) {
        issues.push({
          path: 'currency',
          message: `Product "${item.productId}" is sold in ${product.currency}`,
        });
      } else if (Math.round(product.unitPrice * 100) !== Math.round(item.unitPrice * 100)) {
        issues.push({
          path: `items.${i}.unitPrice`,
          message: `The price of "${item.productId}" is ${product.unitPrice}`,
        });
      }
    });
    if (issues.length > 0) return { valid: false, owned: true, issues };
    return { valid: true, totalCents: orderTotalCents(order.items) };
  },
});
