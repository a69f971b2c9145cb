import { HttpRequest, HttpResponse, type HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import {
  createDurableHttpApi,
  type DurableHttpApi,
} from '../../../devhost/src/durable/client/durableHttpApi';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';
import { type Repositories, useRepositories } from '../../../src/data/repositories';
import { getCustomerStats } from '../../../src/functions/getCustomerStats';
import { getOrchestrationStatus } from '../../../src/functions/getOrchestrationStatus';
import { getOrder } from '../../../src/functions/getOrder';
import { raiseEvent } from '../../../src/functions/raiseEvent';
import { startApproval } from '../../../src/functions/startApproval';
import { startBatch } from '../../../src/functions/startBatch';
import { startOrder } from '../../../src/functions/startOrder';
import { submitApproval } from '../../../src/functions/submitApproval';
import { startTestCosmos, type TestCosmos } from '../../unit/src/support/cosmosServer';
import { startAppHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';
import { orderRequest } from '../../support/orders';

const ORIGIN = 'http://127.0.0.1:7071';
const ctx = new InvocationContext({ functionName: 'test' });

type Handler = (
  request: HttpRequest,
  client: df.DurableClient,
  context: InvocationContext,
) => Promise<HttpResponseInit | HttpResponse>;

/**
 * The app's HTTP functions called with the SDK's real DurableClient over devhost's Durable HTTP
 * API, the workflows running in the harness with their real activities, all against an
 * in-process Cosmos server.
 */
describe('the app end to end through its HTTP functions', () => {
  let cosmos: TestCosmos;
  let repos: Repositories;
  let host: TestHost;
  let api: DurableHttpApi;
  let client: df.DurableClient;
  let saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    cosmos = await startTestCosmos();
    repos = cosmos.repositories();
    useRepositories(repos);
    // The harness loads the app through Node's own loader, so its settings live in the real env.
    // The HTTP functions called here run in jest's module registry and read jest's copy.
    const settings = {
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_DATABASE: cosmos.database.id,
      COSMOS_KEY: cosmos.key,
      PAYMENT_GATEWAY_LATENCY_MS: '0',
      WEBSITE_HOSTNAME: new URL(ORIGIN).host,
    };
    saved = Object.fromEntries(Object.keys(settings).map((k) => [k, nativeProcess().env[k]]));
    Object.assign(nativeProcess().env, settings);
    Object.assign(process.env, settings);
    host = await startAppHost();
    api = await createDurableHttpApi({
      operations: host.client,
      clock: host.clock,
      origin: ORIGIN,
      rpcPort: 0,
    });
    const clientInput = df.input.durableClient();
    const context = new InvocationContext({
      functionName: 'starter',
      options: { trigger: { type: 'httpTrigger', name: 'req' }, extraInputs: [clientInput] },
    });
    context.extraInputs.set(clientInput, JSON.parse(JSON.stringify(api.payload())));
    client = df.getClient(context);
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete nativeProcess().env[k];
      else nativeProcess().env[k] = v;
    }
    useRepositories(undefined);
    await api.close();
    await host.stop();
    await cosmos.close();
  });

  async function call(
    handler: Handler,
    init: { body?: unknown; params?: Record<string, string>; query?: Record<string, string> } = {},
  ) {
    const request = new HttpRequest({
      url: `${ORIGIN}/api/test`,
      method: init.body === undefined ? 'GET' : 'POST',
      ...(init.body !== undefined
        ? { body: { string: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } }
        : {}),
      params: init.params ?? {},
      query: init.query ?? {},
    });
    const response = await handler(request, client, ctx);
    if (response instanceof HttpResponse)
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    return { status: response.status ?? 200, body: (response.jsonBody ?? {}) as Record<string, unknown> };
  }

  const orderBody = (id: string, token = 'tok_visa', country = 'US', customerId = 'cust-e2e') =>
    orderRequest(id, { paymentMethodToken: token, country, customerId });

  it('places an order that completes: stock reserved, one charge, a shipment and a confirmation', async () => {
    const id = uniqueId('ord');
    const started = await call(startOrder, { body: orderBody(id) });
    expect(started.status).toBe(202);
    // The app's own links, from the configured origin: no management URL, no key.
    expect(started.body).toEqual({
      id: `order-${id}`,
      statusQueryGetUri: `${ORIGIN}/api/status/order-${id}`,
      resourceUri: `${ORIGIN}/api/orders/${id}`,
    });

    const status = await host.waitForStatus(`order-${id}`, ['Completed', 'Failed']);
    expect(status.output).toMatchObject({
      status: 'Completed',
      orderId: id,
      totalCents: 8948,
      compensated: [],
    });
    expect((await repos.products.get('widget-1'))?.reservations[id]).toBe(2);
    const charges = (await repos.gateway.entries()).filter((e) => e.idempotencyKey === `charge:${id}`);
    expect(charges).toHaveLength(1);
    expect((await repos.shipments.get(id))?.status).toBe('Created');
    expect(await repos.outbox.get(`OrderConfirmation:${id}`)).toBeDefined();
    expect(JSON.stringify(status)).not.toContain('tok_visa');

    const view = await call(getOrder, { params: { orderId: id } });
    expect(view.status).toBe(200);
    expect(view.body.outcome).toMatchObject({ status: 'Completed' });
    expect((await repos.orders.get(id))?.outcome).toEqual(view.body.outcome);
    expect(view.body.order).not.toHaveProperty('paymentMethodToken');
    expect(view.body.statusQueryGetUri).toBe(`${ORIGIN}/api/status/order-${id}`);
    expect(view.body.orchestration).toMatchObject({ runtimeStatus: 'Completed' });

    const again = await call(startOrder, { body: orderBody(id) });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: { code: 'AlreadyExists', message: expect.any(String), issues: [] },
      id: `order-${id}`,
      statusQueryGetUri: `${ORIGIN}/api/status/order-${id}`,
      resourceUri: `${ORIGIN}/api/orders/${id}`,
    });
    expect((await repos.gateway.entries()).filter((e) => e.idempotencyKey === `charge:${id}`)).toHaveLength(
      1,
    );
  });

  it('settles the customer statistics entity before an order result is visible, and serves them over HTTP', async () => {
    const customer = uniqueId('cust');
    const paid = uniqueId('ord');
    const declined = uniqueId('ord');
    expect((await call(startOrder, { body: orderBody(paid, 'tok_visa', 'US', customer) })).status).toBe(202);
    await host.waitForStatus(`order-${paid}`, ['Completed', 'Failed']);
    expect(
      (await call(startOrder, { body: orderBody(declined, 'tok_chargeDeclined', 'US', customer) })).status,
    ).toBe(202);
    await host.waitForStatus(`order-${declined}`, ['Completed', 'Failed']);

    // processOrder calls (not signals) orderFinished, so the numbers are in place already.
    const stats = await call(getCustomerStats, { params: { customerId: customer } });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      customerId: customer,
      inFlight: 0,
      completedOrders: 1,
      totalSpentCents: 8948,
      outcomes: { Completed: 1, PaymentFailed: 1 },
      lastOrderId: declined,
      lastOutcome: 'PaymentFailed',
    });
    const unknown = await call(getCustomerStats, { params: { customerId: uniqueId('nobody') } });
    expect(unknown.status).toBe(404);

    // What a holder of the system key can send to the entity: none of it changes the numbers.
    const at = '2030-01-01T00:00:00.000Z';
    const forged: [string, unknown][] = [
      ['orderFinished', { orderId: uniqueId('forged'), at }],
      ['orderStarted', { orderId: uniqueId('forged'), at }],
      ['orderFinished', { orderId: paid, outcome: 'Completed', totalCents: 1_000_000, at }],
      ['reset', null],
      ['delete', null],
    ];
    for (const [op, input] of forged) {
      await host.client.signalEntity('customerStats', customer, op, JSON.stringify(input));
    }
    await host.runUntilIdle();
    expect(await call(getCustomerStats, { params: { customerId: customer } })).toEqual(stats);
  });

  it('releases the stock of an order whose card is declined', async () => {
    const id = uniqueId('declined');
    expect((await call(startOrder, { body: orderBody(id, 'tok_chargeDeclined') })).status).toBe(202);
    const status = await host.waitForStatus(`order-${id}`, ['Completed', 'Failed']);
    expect(status.output).toMatchObject({
      status: 'PaymentFailed',
      reason: 'card_declined',
      compensated: ['ReleaseInventory'],
    });
    expect((await repos.products.get('widget-1'))?.reservations).not.toHaveProperty(id);
  });

  it('refunds and releases when the carrier rejects the destination', async () => {
    const id = uniqueId('noship');
    await call(startOrder, { body: orderBody(id, 'tok_visa', 'AQ') });
    const status = await host.waitForStatus(`order-${id}`, ['Completed', 'Failed']);
    expect(status.output).toMatchObject({
      status: 'ShipmentFailed',
      compensated: ['RefundPayment', 'ReleaseInventory'],
    });
    expect((await repos.gateway.entries()).filter((e) => e.idempotencyKey === `refund:${id}`)).toHaveLength(
      1,
    );
  });

  it('answers 400 naming the field, and writes and starts nothing', async () => {
    const id = uniqueId('bad');
    const body = orderBody(id);
    body.items[0]!.quantity = 0;
    const bad = await call(startOrder, { body });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: {
        code: 'ValidationFailed',
        message: expect.any(String),
        issues: [{ path: 'items.0.quantity', message: expect.any(String) }],
      },
    });
    body.items[0]!.quantity = 1;
    body.items[0]!.productId = 'no-such-product';
    const unknown = await call(startOrder, { body });
    expect(unknown).toMatchObject({
      status: 400,
      body: { error: { code: 'UnknownProduct', issues: [{ path: 'items.0.productId' }] } },
    });
    expect((await call(startOrder, { body: '{"id":' })).body).toMatchObject({
      error: { code: 'InvalidJson' },
    });
    expect(await repos.orders.get(id)).toBeUndefined();
    expect(await host.client.getStatus(`order-${id}`)).toBeUndefined();
  });

  it('runs an approval: the token holder decides once, everyone else is told why not', async () => {
    const requestId = uniqueId('req');
    const instanceId = `approval-${requestId}`;
    const started = await call(startApproval, {
      body: {
        requestId,
        requestedBy: 'ada@example.com',
        approver: 'boss@example.com',
        subject: 'Laptop',
        amount: 2400,
      },
    });
    expect(started.status).toBe(202);
    await host.waitForStatus(instanceId, 'Running');
    const message = await repos.outbox.get(`ApprovalRequest:${requestId}`);
    const token = new URL(message?.link ?? 'http://x').searchParams.get('token') ?? '';
    expect(token.length).toBeGreaterThan(20);
    expect(JSON.stringify(await host.history(instanceId))).not.toContain(token);

    const submit = (query: Record<string, string>, id = instanceId) =>
      call(submitApproval, {
        body: { decision: 'Approved', comment: 'fine' },
        params: { instanceId: id },
        query,
      });
    expect((await submit({ token }, 'approval-unknown')).status).toBe(404);
    expect((await submit({})).status).toBe(401);
    expect((await submit({ token: 'wrong' })).status).toBe(403);
    const [first, second] = await Promise.all([submit({ token }), submit({ token })]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    // Without the token nobody learns that, or when, it was decided.
    expect(await submit({})).toMatchObject({
      status: 401,
      body: { error: { code: 'ApprovalTokenMissing' } },
    });
    expect(await submit({ token: 'wrong' })).toMatchObject({ status: 403 });
    expect(await submit({ token })).toMatchObject({
      status: 409,
      body: { error: { code: 'AlreadyDecided' } },
    });

    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Approved', requestId, comment: 'fine' });
    expect(await repos.outbox.get(`ApprovalApproved:${requestId}`)).toBeDefined();
  });

  it('times an approval out on the virtual clock and then answers 410', async () => {
    const requestId = uniqueId('late');
    const instanceId = `approval-${requestId}`;
    await call(startApproval, {
      body: {
        requestId,
        requestedBy: 'ada@example.com',
        approver: 'boss@example.com',
        subject: 'Desk',
        timeoutSeconds: 60,
      },
    });
    await host.waitForStatus(instanceId, 'Running');
    await host.clock.advance('1m');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Timeout' });
    const late = await call(submitApproval, {
      body: { decision: 'Approved' },
      params: { instanceId },
      query: { token: 'any' },
    });
    expect(late).toMatchObject({ status: 403, body: { error: { code: 'ApprovalTokenInvalid' } } });
    const message = await repos.outbox.get(`ApprovalRequest:${requestId}`);
    const token = new URL(message?.link ?? 'http://x').searchParams.get('token') ?? '';
    const expired = await call(submitApproval, {
      body: { decision: 'Approved' },
      params: { instanceId },
      query: { token },
    });
    expect(expired).toMatchObject({ status: 410, body: { error: { code: 'ApprovalExpired' } } });
  });

  async function startWaitingApproval(label: string, timeoutSeconds?: number) {
    const requestId = uniqueId(label);
    const instanceId = `approval-${requestId}`;
    const started = await call(startApproval, {
      body: {
        requestId,
        requestedBy: 'ada@example.com',
        approver: 'boss@example.com',
        subject: 'Own request',
        ...(timeoutSeconds ? { timeoutSeconds } : {}),
      },
    });
    expect(started.status).toBe(202);
    await host.waitForStatus(instanceId, 'Running');
    await host.runUntilIdle();
    const message = await repos.outbox.get(`ApprovalRequest:${requestId}`);
    const token = new URL(message?.link ?? 'http://x').searchParams.get('token') ?? '';
    return { requestId, instanceId, token };
  }

  /** What a holder of the system key can do without the approval token: raise the event itself. */
  const forgeAnswer = (instanceId: string) =>
    host.client.raiseEvent(
      instanceId,
      'ApprovalResponse',
      JSON.stringify({ decision: 'Approved', decidedAt: '2030-01-01T00:00:00.000Z', comment: 'self' }),
    );

  it('opens the request with the link as soon as it is in the outbox, before SendApprovalRequest stores the hash', async () => {
    // The first half of SendApprovalRequest: the message is out, the hash not yet stored (its
    // second write is slow, or its process died in between and the retry has not come yet).
    const undo = host.overrideActivity(
      'SendApprovalRequest',
      async (input: { requestId: string; instanceId: string }) => {
        const link = `${ORIGIN}/api/approvals/${input.instanceId}/response?token=early-${input.requestId}`;
        await repos.outbox.add({
          id: `ApprovalRequest:${input.requestId}`,
          kind: 'ApprovalRequest',
          to: 'boss@example.com',
          subject: 'Approval needed',
          body: 'POST a decision to the link',
          link,
          createdAt: new Date().toISOString(),
        });
        return { messageId: `ApprovalRequest:${input.requestId}`, sentTo: 'boss@example.com' };
      },
    );
    try {
      const { requestId, instanceId, token } = await startWaitingApproval('early');
      expect((await repos.approvals.get(requestId))?.tokenHash).toBeUndefined();
      const submit = (query: Record<string, string>) =>
        call(submitApproval, { body: { decision: 'Approved' }, params: { instanceId }, query });
      expect(await submit({ token: 'wrong' })).toMatchObject({ status: 403 });
      expect((await submit({ token })).status).toBe(200);
      const done = await host.waitForStatus(instanceId, 'Completed');
      expect(done.output).toMatchObject({ status: 'Approved', requestId });
    } finally {
      undo();
    }
  });

  it('wakes the workflow when the approver tries again after a decision whose event was lost', async () => {
    const { requestId, instanceId, token } = await startWaitingApproval('lost-event', 3_600);
    // SubmitApproval's first write, and then its process died before raising the event.
    expect((await repos.approvals.settle(requestId, 'Rejected', new Date().toISOString())).outcome).toBe(
      'Decided',
    );
    await host.runUntilIdle();
    expect((await host.client.getStatus(instanceId))?.runtimeStatus).toBe('Running');

    const again = await call(submitApproval, {
      body: { decision: 'Rejected' },
      params: { instanceId },
      query: { token },
    });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'AlreadyDecided' } } });
    // Well before the one-hour deadline: no time passes.
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Rejected', requestId });
    expect(await repos.outbox.get(`ApprovalRejected:${requestId}`)).toBeDefined();
  });

  it("ignores an approval raised around SubmitApproval, then takes the approver's decision", async () => {
    const { requestId, instanceId, token } = await startWaitingApproval('forged');
    await forgeAnswer(instanceId);
    await host.runUntilIdle();
    expect((await host.waitForStatus(instanceId, 'Running')).customStatus).toMatchObject({
      step: 'AwaitingApproval',
    });
    expect((await repos.approvals.get(requestId))?.status).toBe('Pending');
    expect(await repos.outbox.get(`ApprovalApproved:${requestId}`)).toBeUndefined();

    const decided = await call(submitApproval, {
      body: { decision: 'Rejected' },
      params: { instanceId },
      query: { token },
    });
    expect(decided.status).toBe(200);
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Rejected' });
    expect((await repos.approvals.get(requestId))?.status).toBe('Rejected');
    expect(await repos.outbox.get(`ApprovalApproved:${requestId}`)).toBeUndefined();
  });

  it('times out after an approval raised around SubmitApproval, Cosmos and outcome agreeing', async () => {
    const { requestId, instanceId } = await startWaitingApproval('forged-late', 60);
    await forgeAnswer(instanceId);
    await host.runUntilIdle();
    await host.clock.advance('1m');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Timeout' });
    expect((await repos.approvals.get(requestId))?.status).toBe('TimedOut');
  });

  it('processes a stored batch and aggregates per-item outcomes', async () => {
    const batchId = uniqueId('batch');
    const items = Array.from({ length: 150 }, (_, i) => ({
      itemId: `line-${i}`,
      productId: i % 50 === 0 ? 'ghost' : 'gizmo-1',
      quantity: 1,
    }));
    const started = await call(startBatch, { body: { batchId, items } });
    expect(started.status).toBe(202);
    const done = await host.waitForStatus(`batch-${batchId}`, ['Completed', 'Failed']);
    expect(done.output).toMatchObject({
      status: 'Completed',
      total: 150,
      succeeded: 147,
      rejected: 3,
      failed: 0,
    });
    expect(JSON.stringify(done.input)).not.toContain('line-1');
    expect(done.customStatus).toEqual({ step: 'Processing', processed: 150, total: 150 });
  });

  it('serves status without history and refuses workflow-owned event names', async () => {
    const missing = await call(getOrchestrationStatus, { params: { instanceId: 'nope' } });
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'InstanceNotFound' } } });
    const reserved = await call(raiseEvent, {
      body: {},
      params: { instanceId: 'x', eventName: 'ApprovalResponse' },
    });
    expect(reserved).toMatchObject({
      status: 400,
      body: { error: { code: 'ReservedEventName', issues: [{ path: 'eventName' }] } },
    });
    const lower = await call(raiseEvent, {
      body: {},
      params: { instanceId: 'x', eventName: 'approvalresponse' },
    });
    expect(lower.status).toBe(400);
    const unknown = await call(raiseEvent, {
      body: { a: 1 },
      params: { instanceId: 'nope', eventName: 'Ping' },
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'InstanceNotFound' } } });
  });
});
