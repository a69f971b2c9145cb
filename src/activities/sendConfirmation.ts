import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

export const SendConfirmation = defineActivity({
  name: 'SendConfirmation',
  input: z.strictObject({
    orderId: IdSchema,
    customerId: IdSchema,
    totalCents: z.number().int().nonnegative(),
    currency: z.string(),
    trackingNumber: z.string(),
  }),
  handler: async (input): Promise<{ messageId: string }> => {
    const { outbox } = await getRepositories();
    const { doc } = await outbox.add({
      id: `OrderConfirmation:${input.orderId}`,
      kind: 'OrderConfirmation',
      to: `customer:${input.customerId}`,
      subject: `Order ${input.orderId} confirmed`,
      body: `Total ${(input.totalCents / 100).toFixed(2)} ${input.currency}. Tracking number ${input.trackingNumber}.`,
      createdAt: new Date().toISOString(),
    });
    return { messageId: doc.id };
  },
});
