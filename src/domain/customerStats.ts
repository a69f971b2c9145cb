import { z } from 'zod';
import { IdSchema } from './ids';
import { OrderOutcomeSchema } from './outcomes';

/** State of the per-customer order statistics entity. */
export const CustomerStatsSchema = z.strictObject({
  customerId: IdSchema,
  inFlight: z.number().int(),
  outcomes: z.record(z.string(), z.number().int()),
  completedOrders: z.number().int(),
  totalSpentCents: z.number().int(),
  lastOrderId: z.string().optional(),
  lastOutcome: OrderOutcomeSchema.optional(),
  lastUpdated: z.string().optional(),
});

export const OrderStartedOpSchema = z.strictObject({ orderId: IdSchema, at: z.string() });
export const OrderFinishedOpSchema = z.strictObject({
  orderId: IdSchema,
  outcome: OrderOutcomeSchema,
  totalCents: z.number().int().nonnegative(),
  at: z.string(),
});

export type CustomerStats = z.infer<typeof CustomerStatsSchema>;
export type OrderStartedOp = z.infer<typeof OrderStartedOpSchema>;
export type OrderFinishedOp = z.infer<typeof OrderFinishedOpSchema>;
