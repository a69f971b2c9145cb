import { z } from 'zod';
import { chargeDocId, refundDocId } from '../data/paymentRepository';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/**
 * Compensation for ProcessPayment: refunds the order's successful charge once, or reports none.
 * It asks the gateway's ledger, not the app's record, so a charge whose run died before the app
 * recorded it is refunded too. An order whose workflow recorded that it completed is never
 * refunded, whoever runs this.
 */
export const RefundPayment = defineActivity({
  name: 'RefundPayment',
  input: z.strictObject({ orderId: IdSchema }),
  handler: async ({ orderId }): Promise<{ refunded: boolean; refundId?: string }> => {
    const { orders, payments, gateway } = await getRepositories();
    if (await orders.hasCompleted(orderId)) return { refunded: false };
    const charge = await gateway.find(chargeDocId(orderId));
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
