import { z } from 'zod';
import { IsoDateTimeSchema } from './common';
import { IdSchema } from './ids';
import { type RecordedOrderOutcome, RecordedOrderOutcomeSchema } from './outcomes';

/** Per-customer order statistics, as GET /api/customers/{customerId}/stats answers them. */
export const CustomerStatsSchema = z.strictObject({
  customerId: IdSchema,
  inFlight: z.number().int(),
  outcomes: z.record(z.string(), z.number().int()),
  completedOrders: z.number().int(),
  totalSpentCents: z.number().int(),
  lastOrderId: z.string().optional(),
  lastOutcome: RecordedOrderOutcomeSchema.shape.status.optional(),
  lastUpdated: z.string().optional(),
});

/**
 * The customerStats entity's state: the customer's orders as their workflows reported them, one
 * entry per order id (so a repeated or replayed operation counts once), with a sequence number
 * that orders the entries. It holds no numbers: operations reach an entity from anyone holding
 * the system key, so the statistics are computed from the stored orders this ledger names.
 */
export const CustomerLedgerSchema = z.strictObject({
  customerId: IdSchema,
  next: z.number().int().nonnegative(),
  orders: z.record(
    IdSchema,
    z.strictObject({ finished: z.boolean(), seq: z.number().int().nonnegative(), at: IsoDateTimeSchema }),
  ),
});

/** Input of `orderStarted` and `orderFinished`. */
export const OrderLedgerOpSchema = z.strictObject({ orderId: IdSchema, at: IsoDateTimeSchema });

export type CustomerStats = z.infer<typeof CustomerStatsSchema>;
export type CustomerLedger = z.infer<typeof CustomerLedgerSchema>;

/** What the statistics need of a stored order document. */
export interface StoredOrderFacts {
  id: string;
  customerId: string;
  totalCents: number;
  outcome?: RecordedOrderOutcome;
  finishedAt?: string;
}

/**
 * The statistics of the orders the ledger names, taken from their stored documents: an entry
 * without a stored order of this customer (a forged operation) counts for nothing, an order
 * counts as finished only when its document records an outcome, and amounts come from the
 * document. `last*` is the finished order the ledger saw last.
 */
export function summarizeCustomerStats(
  ledger: CustomerLedger,
  stored: readonly StoredOrderFacts[],
): CustomerStats {
  const byId = new Map(stored.filter((o) => o.customerId === ledger.customerId).map((o) => [o.id, o]));
  const stats: CustomerStats = {
    customerId: ledger.customerId,
    inFlight: 0,
    outcomes: {},
    completedOrders: 0,
    totalSpentCents: 0,
  };
  const entries = Object.entries(ledger.orders).sort(([, a], [, b]) => a.seq - b.seq);
  for (const [orderId] of entries) {
    const order = byId.get(orderId);
    if (!order) continue;
    if (!order.outcome) {
      stats.inFlight += 1;
      continue;
    }
    const status = order.outcome.status;
    stats.outcomes[status] = (stats.outcomes[status] ?? 0) + 1;
    if (status === 'Completed') {
      stats.completedOrders += 1;
      stats.totalSpentCents += order.outcome.totalCents ?? order.totalCents;
    }
    stats.lastOrderId = orderId;
    stats.lastOutcome = status;
    if (order.finishedAt) stats.lastUpdated = order.finishedAt;
  }
  return stats;
}
