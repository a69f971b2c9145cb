import type { CreateOrderRequest, OrderItem } from '../../src/domain/order';

export interface OrderParts {
  customerId?: string;
  items?: OrderItem[];
  /** The shipping country (the app ships to a fixed list). */
  country?: string;
  paymentMethodToken?: string;
}

/**
 * A valid `POST /api/orders` body for the seeded catalog: by default two widgets and a gadget,
 * shipped to the US and paid with `tok_visa` (a test card that is approved).
 */
export function orderRequest(id: string, parts: OrderParts = {}): CreateOrderRequest {
  return {
    id,
    customerId: parts.customerId ?? 'cust-1',
    items: parts.items ?? [
      { productId: 'widget-1', quantity: 2, unitPrice: 19.99 },
      { productId: 'gadget-1', quantity: 1, unitPrice: 49.5 },
    ],
    currency: 'USD',
    shippingAddress: {
      name: 'Ada',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: parts.country ?? 'US',
    },
    paymentMethodToken: parts.paymentMethodToken ?? 'tok_visa',
  };
}
