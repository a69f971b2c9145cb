import { type CustomerStats, OrderFinishedOpSchema, OrderStartedOpSchema, parseOrThrow } from '../domain';

export const emptyCustomerStats = (customerId: string): CustomerStats => ({
  customerId,
  inFlight: 0,
  outcomes: {},
  completedOrders: 0,
  totalSpentCents: 0,
});

export type StatsStep = { state: CustomerStats; result?: CustomerStats } | { delete: true };

/** The entity's behaviour as a pure function of (state, operation, input), so it is tested with plain data. */
export function applyCustomerStatsOperation(
  state: CustomerStats,
  operation: string | undefined,
  input: unknown,
): StatsStep {
  switch (operation) {
    case 'orderStarted': {
      const op = parseOrThrow(OrderStartedOpSchema, input, 'orderStarted input');
      return {
        state: { ...state, inFlight: state.inFlight + 1, lastOrderId: op.orderId, lastUpdated: op.at },
      };
    }
    case 'orderFinished': {
      const op = parseOrThrow(OrderFinishedOpSchema, input, 'orderFinished input');
      const completed = op.outcome === 'Completed';
      const next: CustomerStats = {
        ...state,
        inFlight: Math.max(0, state.inFlight - 1),
        outcomes: { ...state.outcomes, [op.outcome]: (state.outcomes[op.outcome] ?? 0) + 1 },
        completedOrders: state.completedOrders + (completed ? 1 : 0),
        totalSpentCents: state.totalSpentCents + (completed ? op.totalCents : 0),
        lastOrderId: op.orderId,
        lastOutcome: op.outcome,
        lastUpdated: op.at,
      };
      return { state: next, result: next };
    }
    case 'orderFailed': {
      const op = parseOrThrow(OrderStartedOpSchema, input, 'orderFailed input');
      return {
        state: {
          ...state,
          inFlight: Math.max(0, state.inFlight - 1),
          outcomes: { ...state.outcomes, Failed: (state.outcomes['Failed'] ?? 0) + 1 },
          lastOrderId: op.orderId,
          lastUpdated: op.at,
        },
      };
    }
    case 'get':
      return { state, result: state };
    case 'reset':
      return { delete: true };
    default:
      throw new Error(`customerStats has no operation "${operation ?? ''}"`);
  }
}
