import * as df from 'durable-functions';
import { type CustomerStats, OrderFinishedOpSchema, OrderStartedOpSchema, parseOrThrow } from '../domain';

export const CUSTOMER_STATS_ENTITY = 'customerStats';

export const customerStatsId = (customerId: string) => new df.EntityId(CUSTOMER_STATS_ENTITY, customerId);

const empty = (customerId: string): CustomerStats => ({
  customerId,
  inFlight: 0,
  outcomes: {},
  completedOrders: 0,
  totalSpentCents: 0,
});

/**
 * Per-customer order statistics. processOrder signals `orderStarted`, `orderFinished` and
 * `orderFailed` (fire and forget: an order never waits on its statistics). The entity
 * runs one operation at a time, so counters need no locking; readers use the `get` operation or
 * the entity state over HTTP.
 */
export function customerStatsHandler(context: df.EntityContext<CustomerStats>): void {
  const state = context.df.getState(() => empty(context.df.entityKey)) ?? empty(context.df.entityKey);
  switch (context.df.operationName) {
    case 'orderStarted': {
      const op = parseOrThrow(OrderStartedOpSchema, context.df.getInput(), 'orderStarted input');
      context.df.setState({
        ...state,
        inFlight: state.inFlight + 1,
        lastOrderId: op.orderId,
        lastUpdated: op.at,
      });
      return;
    }
    case 'orderFinished': {
      const op = parseOrThrow(OrderFinishedOpSchema, context.df.getInput(), 'orderFinished input');
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
      context.df.setState(next);
      context.df.return(next);
      return;
    }
    case 'orderFailed': {
      const op = parseOrThrow(OrderStartedOpSchema, context.df.getInput(), 'orderFailed input');
      context.df.setState({
        ...state,
        inFlight: Math.max(0, state.inFlight - 1),
        outcomes: { ...state.outcomes, Failed: (state.outcomes['Failed'] ?? 0) + 1 },
        lastOrderId: op.orderId,
        lastUpdated: op.at,
      });
      return;
    }
    case 'get':
      context.df.return(state);
      return;
    case 'reset':
      context.df.destructOnExit();
      return;
    default:
      throw new Error(`customerStats has no operation "${context.df.operationName ?? ''}"`);
  }
}

df.app.entity(CUSTOMER_STATS_ENTITY, customerStatsHandler);
