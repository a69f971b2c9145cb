import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { orderTotalCents, OrderSchema, parseInput, type ValidationIssue } from '../domain';
import { defineActivity } from './defineActivity';

export type ValidateOrderResult =
  { valid: true; totalCents: number } | { valid: false; issues: ValidationIssue[] };

/** Re-checks the order inside the workflow: it may have been started around the HTTP starter. */
export const ValidateOrder = defineActivity({
  name: 'ValidateOrder',
  input: z.object({ order: z.unknown() }),
  handler: async ({ order: raw }): Promise<ValidateOrderResult> => {
    const parsed = parseInput(OrderSchema, raw);
    if (!parsed.ok) return { valid: false, issues: parsed.issues };
    const order = parsed.value;
    const { products } = await getRepositories();
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
    if (issues.length > 0) return { valid: false, issues };
    return { valid: true, totalCents: orderTotalCents(order.items) };
  },
});
