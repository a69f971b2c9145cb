import * as df from 'durable-functions';
import { type CustomerStats } from '../domain';
import { applyCustomerStatsOperation, emptyCustomerStats } from './customerStatsState';

export const CUSTOMER_STATS_ENTITY = 'customerStats';

export const customerStatsId = (customerId: string) => new df.EntityId(CUSTOMER_STATS_ENTITY, customerId);

/**
 * Per-customer order statistics. processOrder signals `orderStarted` and `orderFailed` and calls
 * `orderFinished`, so the numbers are settled when an order's result is visible; `get` returns them
 * to a caller. The entity runs one operation at a time, so counters need no locking.
 */
export function customerStatsHandler(context: df.EntityContext<CustomerStats>): void {
  const key = context.df.entityKey;
  const state = context.df.getState(() => emptyCustomerStats(key)) ?? emptyCustomerStats(key);
  const step = applyCustomerStatsOperation(state, context.df.operationName, context.df.getInput());
  if ('delete' in step) {
    context.df.destructOnExit();
    return;
  }
  context.df.setState(step.state);
  if (step.result !== undefined) context.df.return(step.result);
}

df.app.entity(CUSTOMER_STATS_ENTITY, customerStatsHandler);
