import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getRepositories } from '../data/repositories';
import { type OrderDoc } from '../data/orderRepository';
import {
  CreateOrderRequestSchema,
  orderTotalCents,
  type ProcessOrderInput,
  sameOrder,
  withoutPaymentToken,
} from '../domain';
import { alreadyExists, findStatus, startAndAccept } from '../http/instances';
import { orderPath } from '../http/links';
import { errorResponse, guarded, readBody } from '../http/responses';
import { orderInstanceId, PROCESS_ORDER } from '../orchestrators/processOrder';

/**
 * POST /api/orders. The order document's id is the order id, so Cosmos decides which request
 * owns it, and the Durable start decides which request's workflow runs: one 202, every other
 * request a 409 with the existing workflow's links, never a second run. The payment token is
 * stored under this request's own reference, which is all the workflow input names; a request
 * whose start fails deletes its token, so the card charged is the card of the 202.
 */
export async function startOrder(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const body = await readBody(request, CreateOrderRequestSchema);
  if (!body.ok) return body.response;
  const orderRequest = body.value;
  return guarded(async () => {
    const repos = await getRepositories();
    const catalog = await repos.products.getMany(orderRequest.items.map((i) => i.productId));
    const unknown = orderRequest.items.flatMap((item, i) =>
      catalog.has(item.productId)
        ? []
        : [{ path: `items.${i}.productId`, message: `Unknown product "${item.productId}"` }],
    );
    if (unknown.length > 0)
      return errorResponse(400, 'UnknownProduct', 'The order names products that do not exist', unknown);

    const order = withoutPaymentToken(orderRequest);
    const instanceId = orderInstanceId(order.id);
    const what = `Order ${order.id}`;
    const doc: OrderDoc = {
      ...order,
      instanceId,
      totalCents: orderTotalCents(order.items),
      createdAt: new Date().toISOString(),
    };
    const { created, doc: stored } = await repos.orders.create(doc);
    if (!created) {
      if (await findStatus(client, instanceId)) return alreadyExists(what, instanceId, orderPath(order.id));
      // The document exists but its workflow never started (the first request died in between):
      // start it, but only for the same order, never for a different one reusing the id.
      if (!sameOrder(stored, order)) return alreadyExists(what, instanceId, orderPath(order.id));
    }
    const paymentTokenRef = await repos.paymentTokens.put(order.id, orderRequest.paymentMethodToken);
    const input: ProcessOrderInput = { order, paymentTokenRef };
    return startAndAccept(client, {
      orchestrator: PROCESS_ORDER,
      instanceId,
      input,
      what,
      resourcePath: orderPath(order.id),
      onNotStarted: () => repos.paymentTokens.delete(order.id, paymentTokenRef),
    });
  });
}

df.app.client.http('StartOrder', {
  route: 'orders',
  methods: ['POST'],
  authLevel: 'function',
  handler: startOrder,
});
