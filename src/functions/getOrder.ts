import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { findStatus, statusView } from '../http/instances';
import { clientLinks, orderPath } from '../http/links';
import { errorResponse, guarded, json, validatedParam } from '../http/responses';

/** GET /api/orders/{orderId}: the order as the business sees it, with its outcome and workflow. */
export async function getOrder(request: HttpRequest, client: df.DurableClient, _context: InvocationContext) {
  const orderId = validatedParam('orderId', IdSchema, request.params.orderId);
  if (!orderId.ok) return orderId.response;
  return guarded(async () => {
    const { orders } = await getRepositories();
    const order = await orders.get(orderId.value);
    if (!order) return errorResponse(404, 'OrderNotFound', `No order ${orderId.value}`);
    const status = await findStatus(client, order.instanceId);
    const outcome = status?.runtimeStatus === df.OrchestrationRuntimeStatus.Completed ? status.output : null;
    return json(200, {
      order,
      outcome,
      orchestration: status ? statusView(status) : null,
      ...clientLinks(order.instanceId, orderPath(order.id)),
    });
  });
}

df.app.client.http('GetOrder', {
  route: 'orders/{orderId}',
  methods: ['GET'],
  authLevel: 'function',
  handler: getOrder,
});
