/** A valid `POST /api/orders` body for the sample catalog. */
export const validOrder = () => ({
  id: 'order-1',
  customerId: 'cust-1',
  items: [
    { productId: 'widget-1', quantity: 2, unitPrice: 19.99 },
    { productId: 'gadget-1', quantity: 1, unitPrice: 49.5 },
  ],
  currency: 'USD',
  shippingAddress: {
    name: 'Ada',
    line1: '1 Main St',
    city: 'Springfield',
    postalCode: '12345',
    country: 'US',
  },
  paymentMethodToken: 'tok_visa',
});
