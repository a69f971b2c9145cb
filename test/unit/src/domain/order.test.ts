import {
  CreateOrderRequestSchema,
  ITEM_MAX_QUANTITY,
  ORDER_MAX_ITEMS,
  orderTotalCents,
  parseInput,
  withoutPaymentToken,
} from '../../../../src/domain';
import { validOrder } from '../support/fixtures';

const issuesOf = (raw: unknown) => {
  const result = parseInput(CreateOrderRequestSchema, raw);
  return result.ok ? [] : result.issues;
};

describe('order schema', () => {
  it('accepts a well-formed order', () => {
    expect(parseInput(CreateOrderRequestSchema, validOrder()).ok).toBe(true);
  });

  it('names the item field when a quantity is out of range', () => {
    const order = validOrder();
    order.items[1]!.quantity = ITEM_MAX_QUANTITY + 1;
    expect(issuesOf(order).map((i) => i.path)).toEqual(['items.1.quantity']);
    order.items[1]!.quantity = 0;
    expect(issuesOf(order).map((i) => i.path)).toEqual(['items.1.quantity']);
  });

  it('rejects an order without items or with more than the limit', () => {
    expect(issuesOf({ ...validOrder(), items: [] }).map((i) => i.path)).toEqual(['items']);
    const many = Array.from({ length: ORDER_MAX_ITEMS + 1 }, (_, i) => ({
      productId: `p${i}`,
      quantity: 1,
      unitPrice: 1,
    }));
    expect(issuesOf({ ...validOrder(), items: many }).map((i) => i.path)).toEqual(['items']);
  });

  it('rejects prices with more than two decimals and duplicate products', () => {
    const order = validOrder();
    order.items[0]!.unitPrice = 1.001;
    order.items[1]!.productId = 'widget-1';
    expect(
      issuesOf(order)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['items.0.unitPrice', 'items.1.productId']);
  });

  it('rejects a missing payment token and unknown fields by name', () => {
    const { paymentMethodToken: _t, ...order } = validOrder();
    expect(
      issuesOf({ ...order, shouldFail: true })
        .map((i) => i.path)
        .sort(),
    ).toEqual(['', 'paymentMethodToken']);
  });

  it('rejects __proto__ keys anywhere in the body', () => {
    const raw: unknown = JSON.parse('{"id":"o1","shippingAddress":{"__proto__":{"admin":true}},"items":[]}');
    expect(issuesOf(raw)).toEqual([
      { path: 'shippingAddress.__proto__', message: 'Key "__proto__" is not allowed' },
    ]);
  });

  it('computes totals in cents and keeps the token out of the durable order', () => {
    const request = CreateOrderRequestSchema.parse(validOrder());
    expect(orderTotalCents(request.items)).toBe(2 * 1999 + 4950);
    expect(withoutPaymentToken(request)).not.toHaveProperty('paymentMethodToken');
  });
});
