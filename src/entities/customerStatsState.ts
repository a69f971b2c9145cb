import { type CustomerLedger, CustomerLedgerSchema, OrderLedgerOpSchema, parseOrThrow } from '../domain';

export const emptyCustomerLedger = (customerId: string): CustomerLedger => ({
  customerId,
  next: 0,
  orders: {},
});

/** A state of another shape (written by an earlier version) starts a fresh ledger. */
export function ledgerOf(customerId: string, state: unknown): CustomerLedger {
  const parsed = CustomerLedgerSchema.safeParse(state);
  return parsed.success && parsed.data.customerId === customerId
    ? parsed.data
    : emptyCustomerLedger(customerId);
}

export interface LedgerStep {
  state: CustomerLedger;
  result?: CustomerLedger;
}

/**
 * The entity's behaviour as a pure function of (state, operation, input), so it is tested with
 * plain data. An order enters once and finishes once; nothing removes or rewinds an entry, and
 * there is no reset: an operation anyone with the system key can send must not wipe a ledger.
 */
export function applyCustomerStatsOperation(
  state: CustomerLedger,
  operation: string | undefined,
  input: unknown,
): LedgerStep {
  switch (operation) {
    case 'orderStarted': {
      const op = parseOrThrow(OrderLedgerOpSchema, input, 'orderStarted input');
      if (Object.hasOwn(state.orders, op.orderId)) return { state };
      return {
        state: {
          ...state,
          next: state.next + 1,
          orders: { ...state.orders, [op.orderId]: { finished: false, seq: state.next, at: op.at } },
        },
      };
    }
    case 'orderFinished': {
      const op = parseOrThrow(OrderLedgerOpSchema, input, 'orderFinished input');
      if (state.orders[op.orderId]?.finished) return { state, result: state };
      const next: CustomerLedger = {
        ...state,
        next: state.next + 1,
        orders: { ...state.orders, [op.orderId]: { finished: true, seq: state.next, at: op.at } },
      };
      return { state: next, result: next };
    }
    case 'get':
      return { state, result: state };
    default:
      throw new Error(`customerStats has no operation "${(operation ?? '').slice(0, 100)}"`);
  }
}
