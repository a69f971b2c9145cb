import { z } from 'zod';
import { chargeDocId } from '../data/paymentRepository';
import { getRepositories } from '../data/repositories';
import { CurrencySchema, IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

export type ProcessPaymentResult =
  { status: 'Succeeded'; paymentId: string } | { status: 'Declined'; declineCode: string };

/**
 * Charges the token the winning starter stored for this order under `paymentTokenRef`. The token
 * is read here and goes nowhere else: not into the result, not into logs. The gateway's
 * idempotency key is the order id, so a repeated run charges once.
 */
export const ProcessPayment = defineActivity({
  name: 'ProcessPayment',
  input: z.strictObject({
    orderId: IdSchema,
    paymentTokenRef: z.uuid(),
    amountCents: z.number().int().positive(),
    currency: CurrencySchema,
  }),
  handler: async ({ orderId, paymentTokenRef, amountCents, currency }): Promise<ProcessPaymentResult> => {
    const { paymentTokens, gateway, payments } = await getRepositories();
    const token = await paymentTokens.get(orderId, paymentTokenRef);
    if (!token) return { status: 'Declined', declineCode: 'payment_method_missing' };
    const entry = await gateway.charge({
      idempotencyKey: chargeDocId(orderId),
      token,
      amountCents,
      currency,
    });
    await payments.record({
      id: chargeDocId(orderId),
      orderId,
      kind: 'charge',
      status: entry.status,
      gatewayId: entry.gatewayId,
      amountCents,
      currency,
      ...(entry.declineCode ? { declineCode: entry.declineCode } : {}),
      createdAt: entry.createdAt,
    });
    if (entry.status === 'declined')
      return { status: 'Declined', declineCode: entry.declineCode ?? 'card_declined' };
    return { status: 'Succeeded', paymentId: entry.gatewayId };
  },
});
