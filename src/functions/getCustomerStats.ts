import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { type CustomerStats, IdSchema } from '../domain';
import { customerStatsId } from '../entities/customerStats';
import { errorResponse, json, validatedParam } from '../http/responses';

/** GET /api/customers/{customerId}/stats: the customerStats entity's state. */
export async function getCustomerStats(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const customerId = validatedParam('customerId', IdSchema, request.params.customerId);
  if (!customerId.ok) return customerId.response;
  const state = await client.readEntityState<CustomerStats>(customerStatsId(customerId.value));
  if (!state.entityExists)
    return errorResponse(404, 'CustomerNotFound', `No orders recorded for customer ${customerId.value}`);
  return json(200, state.entityState);
}

df.app.client.http('GetCustomerStats', {
  route: 'customers/{customerId}/stats',
  methods: ['GET'],
  authLevel: 'function',
  handler: getCustomerStats,
});
