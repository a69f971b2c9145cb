import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import type { OrderDoc } from '../../../src/data/orderRepository';
import type { Repositories } from '../../../src/data/repositories';
import { orderTotalCents, withoutPaymentToken } from '../../../src/domain';
import { startTestCosmos, type TestCosmos } from '../../unit/src/support/cosmosServer';
import { uniqueId } from '../../support/ids';
import { orderRequest } from '../../support/orders';
import { startAppHost } from '../../support/testHosts';
import { failing } from './appHost';

const AFTER_SECONDS = 900;

/**
 * Orders stored without a workflow (StartOrder stores the order and the payment token, then
 * starts the workflow; a crash in between leaves both behind) on the virtual clock, with the
 * app's real activities on an in-process Cosmos server: ReconcileOrders runs every five minutes
 * and abandons those older than 15 minutes; a retry of the same order in time starts it. Virtual
 * time starts at the real time, as the starter stamps orders with it.
 */
describe('ReconcileOrders and the retry of an order whose workflow never started', () => {
  let cosmos: TestCosmos;
  let repos: Repositories;
  let host: TestHost;

  beforeAll(async () => {
    cosmos = await startTestCosmos();
    repos = cosmos.repositories();
    host = await startAppHost({
      startAt: Date.now(),
      reconcile: true,
      settings: {
        COSMOS_ENDPOINT: cosmos.endpoint,
        COSMOS_DATABASE: cosmos.database.id,
        COSMOS_KEY: cosmos.key,
        PAYMENT_GATEWAY_LATENCY_MS: '0',
        ORDER_RECONCILE_SCHEDULE: '0 */5 * * * *',
        ORDER_RECONCILE_AFTER_SECONDS: String(AFTER_SECONDS),
      },
    });
  });

  afterAll(async () => {
    await host?.stop();
    await cosmos?.close();
  });

  const request = (id: string, token = 'tok_visa') =>
    orderRequest(id, {
      customerId: 'cust-reconcile',
      items: [{ productId: 'widget-1', quantity: 1, unitPrice: 19.99 }],
      paymentMethodToken: token,
    });

  /** What StartOrder's first two writes leave when the process dies before the start. */
  async function storedWithoutWorkflow(id: string, token = 'tok_visa'): Promise<void> {
    const order = withoutPaymentToken(request(id, token));
    const doc: OrderDoc = {
      ...order,
      instanceId: `order-${id}`,
      totalCents: orderTotalCents(order.items),
      createdAt: new Date(host.clock.now()).toISOString(),
    };
    expect((await repos.orders.create(doc)).created).toBe(true);
    await repos.paymentTokens.put(id, token);
  }

  async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${host.baseUrl}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function storedTokens(orderId: string): Promise<string[]> {
    const { resources } = await cosmos.containers.paymentTokens.items
      .query<{ token: string }>({
        query: 'SELECT c.token FROM c WHERE c.orderId = @o',
        parameters: [{ name: '@o', value: orderId }],
      })
      .fetchAll();
    return resources.map((r) => r.token).sort();
  }

  const charges = async (orderId: string) =>
    (await repos.gateway.entries()).filter(
      (e) => e.kind === 'charge' && e.idempotencyKey === `charge:${orderId}`,
    );
  const sweeps = () => host.logs.map((r) => r.message).filter((m) => m.startsWith('Reconciled orders'));

  it('abandons an old order without a workflow and deletes its token, leaves young and running ones, and refuses to start it later', async () => {
    const old = uniqueId('orphan-old');
    await storedWithoutWorkflow(old, 'tok_mastercard');
    // An order whose workflow failed before recording an outcome: its instance exists.
    const failed = uniqueId('failed-unrecorded');
    const restore = [
      host.overrideActivity('ReserveInventory', failing('store down')),
      host.overrideActivity('RecordOrderOutcome', failing('store still down')),
    ];
    expect((await post(request(failed))).status).toBe(202);
    await host.clock.advance('10m'); // the step and compensation retries
    for (const undo of restore) undo();
    expect((await host.client.getStatus(`order-${failed}`))?.runtimeStatus).toBe('Failed');
    expect((await repos.orders.get(failed))?.outcome).toBeUndefined();

    const young = uniqueId('orphan-young');
    await storedWithoutWorkflow(young);

    // At 15 minutes after the first orphan: the run at the next five-minute mark takes it.
    await host.clock.advance('10m');
    const abandoned = await repos.orders.get(old);
    expect(abandoned?.outcome).toMatchObject({ status: 'Abandoned', orderId: old, compensated: [] });
    expect(abandoned?.finishedAt).toEqual(expect.any(String));
    expect(await storedTokens(old)).toEqual([]);
    expect(await repos.orders.get(young)).not.toHaveProperty('outcome');
    expect(await storedTokens(young)).toEqual(['tok_visa']);
    expect(await repos.orders.get(failed)).not.toHaveProperty('outcome');
    expect(sweeps().some((m) => / 1 abandoned, 1 stored payment tokens deleted$/.test(m))).toBe(true);

    // The client comes back with the same order: it was never started and is not started now.
    const late = await post(request(old, 'tok_mastercard'));
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'OrderAbandoned' });
    expect(await host.client.getStatus(`order-${old}`)).toBeUndefined();
    expect(await storedTokens(old)).toEqual([]);

    // Nor by a start through the management API: ValidateOrder finds the order ended.
    const forced = await host.start('processOrder', {
      instanceId: `order-${old}`,
      input: {
        order: withoutPaymentToken(request(old)),
        paymentTokenRef: '00000000-0000-4000-8000-000000000000',
      },
    });
    expect((await host.waitForStatus(forced, 'Completed')).output).toMatchObject({ status: 'Invalid' });
    expect(await charges(old)).toEqual([]);
    expect((await repos.orders.get(old))?.outcome?.status).toBe('Abandoned');

    // The young one's turn comes 15 minutes after it was stored.
    await host.clock.advance('15m');
    expect((await repos.orders.get(young))?.outcome?.status).toBe('Abandoned');
    expect(await storedTokens(young)).toEqual([]);
    expect(await repos.orders.get(failed)).not.toHaveProperty('outcome');
  });

  it('starts the stored order when the same order is posted again in time, charging the new card once and dropping the old token', async () => {
    const id = uniqueId('orphan-retried');
    await storedWithoutWorkflow(id, 'tok_amex');
    await host.clock.advance('5m');
    const retried = await post(request(id, 'tok_visa'));
    expect(retried.status).toBe(202);
    const done = await host.waitForStatus(`order-${id}`, ['Completed', 'Failed']);
    expect(done.output).toMatchObject({ status: 'Completed', orderId: id });
    expect(await storedTokens(id)).toEqual(['tok_visa']);
    expect(await charges(id)).toHaveLength(1);

    // Runs long after find the order ended by its workflow and leave it be.
    await host.clock.advance('1h');
    expect((await repos.orders.get(id))?.outcome?.status).toBe('Completed');
    expect(await storedTokens(id)).toEqual(['tok_visa']);

    // A different order under the same id is refused, whichever state the first is in.
    const other = { ...request(id), items: [{ productId: 'widget-1', quantity: 3, unitPrice: 19.99 }] };
    expect((await post(other)).status).toBe(409);
  });

  it('does not abandon an order that a request claimed after the sweep listed it', async () => {
    const id = uniqueId('orphan-claimed');
    await storedWithoutWorkflow(id);
    const listedAt = new Date(host.clock.now() + 60_000).toISOString();
    // The sweep listed the order with this cutoff; a retry claims it before the sweep's write.
    expect((await repos.orders.claimStart(id, listedAt)).outcome).toBe('Claimed');
    const marked = await repos.orders.abandon(
      id,
      listedAt,
      { status: 'Abandoned', orderId: id, compensated: [] },
      listedAt,
    );
    expect(marked).toBe(false);
    expect(await repos.orders.get(id)).not.toHaveProperty('outcome');
    // ...and a retry that comes after the sweep's write finds the order ended.
    const later = new Date(host.clock.now() + 120_000).toISOString();
    expect(
      await repos.orders.abandon(id, later, { status: 'Abandoned', orderId: id, compensated: [] }, later),
    ).toBe(true);
    expect((await repos.orders.claimStart(id, later)).outcome).toBe('Ended');
  });

  it('does not run in a test host that does not ask for it', async () => {
    const id = uniqueId('orphan-unswept');
    await storedWithoutWorkflow(id);
    // The same settings, but not `reconcile: true`; time starts where the orphan was stored.
    const quiet = await startAppHost({
      startAt: host.clock.now(),
      settings: {
        COSMOS_ENDPOINT: cosmos.endpoint,
        COSMOS_DATABASE: cosmos.database.id,
        COSMOS_KEY: cosmos.key,
        ORDER_RECONCILE_SCHEDULE: '0 */5 * * * *',
        ORDER_RECONCILE_AFTER_SECONDS: String(AFTER_SECONDS),
      },
    });
    try {
      await quiet.clock.advance('1h');
      expect(await repos.orders.get(id)).not.toHaveProperty('outcome');
      expect(await storedTokens(id)).toEqual(['tok_visa']);
      expect(quiet.logs.map((r) => r.message)).toContain(
        "Timer 'ReconcileOrders' is disabled (AzureWebJobs.ReconcileOrders.Disabled); it will not run.",
      );
    } finally {
      await quiet.stop();
    }
  });
});
