import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getRepositories } from '../data/repositories';
import { type OrderDoc } from '../data/orderRepository';
import {
  CreateOrderRequestSchema,
  errorMessage,
  orderTotalCents,
  type ProcessOrderInput,
  sameOrder,
  withoutPaymentToken,
} from '../domain';
import { alreadyExists, findStatus, startAndAccept } from '../http/instances';
import { clientLinks, orderPath } from '../http/links';
import { errorResponse, guarded, readBody } from '../http/responses';
import { orderInstanceId, PROCESS_ORDER } from '../orchestrators/processOrder';

/**
 * POST /api/orders. The order document's id is the order id, so Cosmos decides which request
 * owns it, and the Durable start decides which request's workflow runs: one 202, every other
 * request a 409 with the existing workflow's links, never a second run. The payment token is
 * stored under this request's own reference, which is all the workflow input names; a request
 * whose start fails deletes its token, so the card charged is the card of the 202. An order
 * stored by a request that died before starting it is started by the next request for the same
 * order, or abandoned by ReconcileOrders if none comes in time.
 */
export async function startOrder(request: HttpRequest, client: df.DurableClient, context: InvocationContext) {
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
      // start it, but only for the same order, never for a different one reusing the id, and
      // only once this request's claim is on the document, so ReconcileOrders leaves it alone.
      if (!sameOrder(stored, order)) return alreadyExists(what, instanceId, orderPath(order.id));
      const claim = await repos.orders.claimStart(order.id, new Date().toISOString());
      if (claim.outcome === 'NotFound') throw new Error(`Order ${order.id} vanished while being started`);
      if (claim.outcome === 'Ended') return ended(claim.doc);
    }
    const paymentTokenRef = await repos.paymentTokens.put(order.id, orderRequest.paymentMethodToken);
    const input: ProcessOrderInput = { order, paymentTokenRef };
    const response = await startAndAccept(client, {
      orchestrator: PROCESS_ORDER,
      instanceId,
      input,
      what,
      resourcePath: orderPath(order.id),
      onNotStarted: () => repos.paymentTokens.delete(order.id, paymentTokenRef),
    });
    if (!created && response.status === 202) {
      // The tokens of the requests that died before starting it: nothing will ever read them.
      await repos.paymentTokens.deleteAllFor(order.id, paymentTokenRef).catch((err: unknown) => {
        context.warn(`Order ${order.id}: stale payment tokens stay until their TTL: ${errorMessage(err)}`);
      });
    }
    return response;
  });
}

/** 409 for an order that ended without this request: abandoned by the sweep, or recorded. */
function ended(doc: OrderDoc) {
  if (doc.outcome?.status === 'Abandoned') {
    return errorResponse(
      409,
      'OrderAbandoned',
      `Order ${doc.id} was abandoned at ${doc.finishedAt ?? 'an earlier time'}: its workflow never started. Place it again under a new id`,
      [],
      { ...clientLinks(doc.instanceId, orderPath(doc.id)) },
    );
  }
  return alreadyExists(`Order ${doc.id}`, doc.instanceId, orderPath(doc.id));
}

df.app.client.http('StartOrder', {
  route: 'orders',
  methods: ['POST'],
  authLevel: 'function',
  handler: startOrder,
});
