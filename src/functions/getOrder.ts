import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { findStatus, statusView } from '../http/instances';
import { clientLinks, orderPath } from '../http/links';
import { errorResponse, guarded, json, validatedParam } from '../http/responses';

/**
 * GET /api/orders/{orderId}: the order as the business sees it. The outcome is the one the
 * order's workflow recorded in the order document, not the instance's output: an instance can be
 * restarted through the management API, the record cannot be rewritten.
 */
export async function getOrder(request: HttpRequest, client: df.DurableClient, _context: InvocationContext) {
  const orderId = validatedParam('orderId', IdSchema, request.params.orderId);
  if (!orderId.ok) return orderId.response;
  return guarded(async () => {
    const { orders } = await getRepositories();
    const doc = await orders.get(orderId.value);
    if (!doc) return errorResponse(404, 'OrderNotFound', `No order ${orderId.value}`);
    const { outcome, finishedAt, ...order } = doc;
    const status = await findStatus(client, doc.instanceId);
    return json(200, {
      order,
      outcome: outcome ?? null,
      finishedAt: finishedAt ?? null,
      orchestration: status ? statusView(status) : null,
      ...clientLinks(doc.instanceId, orderPath(doc.id)),
    });
  });
}

df.app.client.http('GetOrder', {
  route: 'orders/{orderId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: getOrder,
});
