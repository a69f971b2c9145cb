import { InvocationContext } from '@azure/functions';
import { CancelShipment } from '../../../../src/activities/cancelShipment';
import { CreateShipment } from '../../../../src/activities/createShipment';
import { ProcessPayment } from '../../../../src/activities/processPayment';
import { RecordOrderOutcome } from '../../../../src/activities/recordOrderOutcome';
import { RefundPayment } from '../../../../src/activities/refundPayment';
import { ReleaseInventory } from '../../../../src/activities/releaseInventory';
import { ReserveInventory } from '../../../../src/activities/reserveInventory';
import { ValidateOrder } from '../../../../src/activities/validateOrder';
import { type Repositories, useRepositories } from '../../../../src/data/repositories';
import {
  CreateOrderRequestSchema,
  type Order,
  orderTotalCents,
  type ProcessOrderResult,
  withoutPaymentToken,
} from '../../../../src/domain';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';
import { validOrder } from '../support/fixtures';

let cosmos: TestCosmos;
let repos: Repositories;
const ctx = new InvocationContext({ functionName: 'test' });

beforeAll(async () => {
  cosmos = await startTestCosmos();
  repos = cosmos.repositories();
  useRepositories(repos);
});
afterAll(async () => {
  useRepositories(undefined);
  await cosmos.close();
});

/** An order as POST /api/orders stores it. */
async function storedOrder(id: string): Promise<Order> {
  const order = withoutPaymentToken(CreateOrderRequestSchema.parse({ ...validOrder(), id }));
  await repos.orders.create({
    ...order,
    instanceId: `order-${id}`,
    totalCents: orderTotalCents(order.items),
    createdAt: '2030-01-01T00:00:00.000Z',
  });
  return order;
}

const completed = (orderId: string): ProcessOrderResult => ({
  status: 'Completed',
  orderId,
  paymentId: `ch_charge:${orderId}`,
  totalCents: 8948,
  compensated: [],
});

describe('the order workflow trusts the stored order, not its input', () => {
  it('ValidateOrder accepts the stored order for its own instance only', async () => {
    const order = await storedOrder('guard-1');
    expect(await ValidateOrder.invoke({ order, instanceId: 'order-guard-1' }, ctx)).toEqual({
      valid: true,
      totalCents: 8948,
    });
    const foreign = [
      { order, instanceId: 'evil-1' },
      {
        order: {
          ...order,
          shippingAddress: { ...order.shippingAddress, country: 'AQ' },
        },
        instanceId: 'order-guard-1',
      },
      {
        order: { ...order, items: [{ ...order.items[0]!, quantity: 1 }] },
        instanceId: 'order-guard-1',
      },
      {
        order: { ...order, id: 'never-placed' },
        instanceId: 'order-never-placed',
      },
    ];
    for (const input of foreign) {
      const result = await ValidateOrder.invoke(input, ctx);
      expect(result).toMatchObject({ valid: false, owned: false });
    }
  });

  it('ValidateOrder refuses to run an order whose outcome is recorded', async () => {
    const order = await storedOrder('guard-2');
    await RecordOrderOutcome.invoke(
      {
        orderId: order.id,
        instanceId: 'order-guard-2',
        outcome: completed(order.id),
        at: '2030-01-01T00:01:00.000Z',
      },
      ctx,
    );
    const again = await ValidateOrder.invoke({ order, instanceId: 'order-guard-2' }, ctx);
    expect(again).toMatchObject({
      valid: false,
      owned: false,
      issues: [{ message: expect.stringMatching(/already ended/) }],
    });
  });

  it('RecordOrderOutcome keeps the first outcome and refuses another workflow', async () => {
    const order = await storedOrder('guard-3');
    const first = await RecordOrderOutcome.invoke(
      {
        orderId: order.id,
        instanceId: 'order-guard-3',
        outcome: completed(order.id),
        at: '2030-01-01T00:01:00.000Z',
      },
      ctx,
    );
    expect(first).toEqual(completed(order.id));
    const second = await RecordOrderOutcome.invoke(
      {
        orderId: order.id,
        instanceId: 'order-guard-3',
        outcome: {
          status: 'Invalid',
          orderId: order.id,
          reason: 'late',
          compensated: [],
        },
        at: '2030-01-01T00:02:00.000Z',
      },
      ctx,
    );
    expect(second).toEqual(completed(order.id));
    expect((await repos.orders.get(order.id))?.outcome).toEqual(completed(order.id));
    await expect(
      RecordOrderOutcome.invoke(
        {
          orderId: order.id,
          instanceId: 'evil-3',
          outcome: completed(order.id),
          at: '2030-01-01T00:03:00.000Z',
        },
        ctx,
      ),
    ).rejects.toThrow(/not the order of workflow evil-3/);
  });

  it('no compensation undoes a step of an order recorded as completed', async () => {
    const order = await storedOrder('guard-4');
    const orderId = order.id;
    await repos.products.createIfMissing({
      id: 'guard-4-p',
      name: 'P',
      unitPrice: 1,
      currency: 'USD',
      stock: 5,
    });
    await ReserveInventory.invoke({ orderId, items: [{ productId: 'guard-4-p', quantity: 2 }] }, ctx);
    const paymentTokenRef = await repos.paymentTokens.put(orderId, 'tok_visa');
    await ProcessPayment.invoke({ orderId, paymentTokenRef, amountCents: 8948, currency: 'USD' }, ctx);
    await CreateShipment.invoke({ orderId, address: order.shippingAddress }, ctx);
    await RecordOrderOutcome.invoke(
      {
        orderId,
        instanceId: `order-${orderId}`,
        outcome: completed(orderId),
        at: '2030-01-01T00:01:00.000Z',
      },
      ctx,
    );

    expect(await RefundPayment.invoke({ orderId }, ctx)).toEqual({
      refunded: false,
    });
    expect(await CancelShipment.invoke({ orderId }, ctx)).toEqual({
      cancelled: false,
    });
    expect(await ReleaseInventory.invoke({ orderId, productIds: ['guard-4-p'] }, ctx)).toEqual({
      orderId,
      releasedProductIds: [],
    });
    expect(await repos.gateway.find(`refund:${orderId}`)).toBeUndefined();
    expect((await repos.shipments.get(orderId))?.status).toBe('Created');
    expect((await repos.products.get('guard-4-p'))?.reservations).toEqual({
      [orderId]: 2,
    });
  });
});
