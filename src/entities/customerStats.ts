import * as df from 'durable-functions';
import { type CustomerLedger } from '../domain';
import { applyCustomerStatsOperation, ledgerOf } from './customerStatsState';

const CUSTOMER_STATS_ENTITY = 'customerStats';

export const customerStatsId = (customerId: string) => new df.EntityId(CUSTOMER_STATS_ENTITY, customerId);

/**
 * Per-customer ledger of orders. processOrder signals `orderStarted` once its order is validated
 * and calls `orderFinished` before it returns (signals it when it fails), so an order is in the
 * ledger by the time its result is visible; `get` returns the ledger. The entity runs one
 * operation at a time, so it needs no locking. GetCustomerStats turns the ledger into numbers
 * from the stored orders (see summarizeCustomerStats).
 */
function customerStatsHandler(context: df.EntityContext<CustomerLedger>): void {
  const state = ledgerOf(context.df.entityKey, context.df.getState());
  const step = applyCustomerStatsOperation(state, context.df.operationName, context.df.getInput());
  context.df.setState(step.state);
  if (step.result !== undefined) context.df.return(step.result);
}

df.app.entity(CUSTOMER_STATS_ENTITY, customerStatsHandler);
