import { z } from 'zod';
import { refundDocId } from '../data/paymentRepository';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/** Compensation for ProcessPayment: refunds the order's successful charge once, or reports none. */
export const RefundPayment = defineActivity({
  name: 'RefundPayment',
  input: z.strictObject({ orderId: IdSchema }),
  handler: async ({ orderId }): Promise<{ refunded: boolean; refundId?: string }> => {
    const { payments, gateway } = await getRepositories();
    const charge = await payments.get(orderId, 'charge');
    if (!charge || charge.status !== 'succeeded') return { refunded: false };
    const entry = await gateway.refund({
      idempotencyKey: refundDocId(orderId),
      chargeId: charge.gatewayId,
      amountCents: charge.amountCents,
      currency: charge.currency,
    });
    await payments.record({
      id: refundDocId(orderId),
      orderId,
      kind: 'refund',
      status: entry.status,
      gatewayId: entry.gatewayId,
      amountCents: entry.amountCents,
      currency: entry.currency,
      createdAt: entry.createdAt,
    });
    return { refunded: true, refundId: entry.gatewayId };
  },
});
