import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getRepositories } from '../data/repositories';
import { IdSchema, summarizeCustomerStats } from '../domain';
import { customerStatsId } from '../entities/customerStats';
import { ledgerOf } from '../entities/customerStatsState';
import { errorResponse, guarded, json, validatedParam } from '../http/responses';

/**
 * GET /api/customers/{customerId}/stats: the customer's statistics, from the orders the
 * customerStats entity lists, counted as their stored documents say. Entity operations can be
 * sent by anyone holding the system key; stored orders are written only by the starter and the
 * order's own workflow.
 */
export async function getCustomerStats(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const customerId = validatedParam('customerId', IdSchema, request.params.customerId);
  if (!customerId.ok) return customerId.response;
  return guarded(async () => {
    const state = await client.readEntityState<unknown>(customerStatsId(customerId.value));
    if (!state.entityExists)
      return errorResponse(404, 'CustomerNotFound', `No orders recorded for customer ${customerId.value}`);
    const { orders } = await getRepositories();
    const stored = await orders.listForCustomer(customerId.value);
    return json(200, summarizeCustomerStats(ledgerOf(customerId.value, state.entityState), stored));
  });
}

df.app.client.http('GetCustomerStats', {
  route: 'customers/{customerId}/stats',
  methods: ['GET'],
  authLevel: 'function',
  handler: getCustomerStats,
});
