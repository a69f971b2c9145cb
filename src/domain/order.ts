import { z } from 'zod';
import { TextSchema } from './common';
import { IdSchema } from './ids';
import {
  ITEM_MAX_QUANTITY,
  ITEM_MIN_QUANTITY,
  ORDER_MAX_ITEMS,
  ORDER_MIN_ITEMS,
  UNIT_PRICE_MAX,
} from './limits';

export const CurrencySchema = z.enum(['USD', 'EUR', 'GBP']);

/** Prices are decimal amounts with at most two decimals; totals are computed in cents. */
const MoneySchema = z
  .number()
  .positive()
  .max(UNIT_PRICE_MAX)
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'At most two decimals');

export const OrderItemSchema = z.strictObject({
  productId: IdSchema,
  quantity: z.number().int().min(ITEM_MIN_QUANTITY).max(ITEM_MAX_QUANTITY),
  unitPrice: MoneySchema,
});

export const AddressSchema = z.strictObject({
  name: TextSchema,
  line1: TextSchema,
  line2: TextSchema.optional(),
  city: TextSchema,
  postalCode: z.string().trim().min(1).max(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code, e.g. US'),
});

/** A payment method token as a card vault issues it (`tok_…`). Never stored with the order. */
const PaymentTokenSchema = z
  .string()
  .regex(/^tok_[A-Za-z0-9_]{1,100}$/, 'A payment method token such as tok_visa');

const orderFields = {
  id: IdSchema,
  customerId: IdSchema,
  items: z
    .array(OrderItemSchema)
    .min(ORDER_MIN_ITEMS)
    .max(ORDER_MAX_ITEMS)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.productId)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'productId'],
            message: 'Each product may appear only once',
          });
        }
        seen.add(item.productId);
      });
    }),
  currency: CurrencySchema,
  shippingAddress: AddressSchema,
};

/** What `POST /api/orders` accepts. */
export const CreateOrderRequestSchema = z.strictObject({
  ...orderFields,
  paymentMethodToken: PaymentTokenSchema,
});

/** The order as it travels through durable state: everything except the payment token. */
export const OrderSchema = z.strictObject(orderFields);

export type CreateOrderRequest = z.infer<typeof CreateOrderRequestSchema>;
export type Order = z.infer<typeof OrderSchema>;
export type OrderItem = z.infer<typeof OrderItemSchema>;

export function orderTotalCents(items: readonly OrderItem[]): number {
  return items.reduce((sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity, 0);
}

export function withoutPaymentToken(request: CreateOrderRequest): Order {
  const { paymentMethodToken: _token, ...order } = request;
  return order;
}

/**
 * Whether two orders are the same order: every field the customer chose, in a fixed order, so
 * a stored document (with its own extra fields, in any key order) compares with a request.
 */
export function sameOrder(a: Order, b: Order): boolean {
  return orderContentKey(a) === orderContentKey(b);
}

function orderContentKey(order: Order): string {
  const address = order.shippingAddress;
  return JSON.stringify([
    order.id,
    order.customerId,
    order.items.map((item) => [item.productId, item.quantity, item.unitPrice]),
    order.currency,
    [address.name, address.line1, address.line2 ?? null, address.city, address.postalCode, address.country],
  ]);
}
