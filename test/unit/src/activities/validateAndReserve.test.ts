import { InvocationContext } from '@azure/functions';
import { hashApprovalToken, newApprovalToken, tokenMatches } from '../../../../src/activities/approvalToken';
import { ReserveInventory } from '../../../../src/activities/reserveInventory';
import { ValidateOrder } from '../../../../src/activities/validateOrder';
import { type Repositories, useRepositories } from '../../../../src/data/repositories';
import {
  CreateOrderRequestSchema,
  type Order,
  orderTotalCents,
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

describe('ValidateOrder', () => {
  /** Stored as the starter stores it, so the workflow's input matches the order document. */
  async function placed(order: Order): Promise<Order> {
    await repos.orders.create({
      ...order,
      instanceId: `order-${order.id}`,
      totalCents: orderTotalCents(order.items),
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    return order;
  }

  it('accepts an order matching the catalog and totals it in cents', async () => {
    const order = await placed(withoutPaymentToken(CreateOrderRequestSchema.parse(validOrder())));
    expect(await ValidateOrder.invoke({ order, instanceId: 'order-order-1' }, ctx)).toEqual({
      valid: true,
      totalCents: 2 * 1999 + 4950,
    });
  });

  it('names unknown products, stale prices and malformed orders', async () => {
    const order = withoutPaymentToken(CreateOrderRequestSchema.parse({ ...validOrder(), id: 'order-2' }));
    order.items[0]!.productId = 'ghost';
    order.items[1]!.unitPrice = 1;
    await placed(order);
    const result = await ValidateOrder.invoke({ order, instanceId: 'order-order-2' }, ctx);
    expect(result).toMatchObject({ valid: false, owned: true });
    expect(result.valid ? [] : result.issues.map((i) => i.path)).toEqual([
      'items.0.productId',
      'items.1.unitPrice',
    ]);
    const malformed = await ValidateOrder.invoke(
      { order: { ...order, items: [] }, instanceId: 'order-order-2' },
      ctx,
    );
    expect(malformed).toMatchObject({ valid: false, owned: false });
    expect(malformed.valid ? [] : malformed.issues.map((i) => i.path)).toEqual(['items']);
  });
});

describe('ReserveInventory', () => {
  it('reserves all lines or none', async () => {
    const result = await ReserveInventory.invoke(
      {
        orderId: 'all-or-none',
        items: [
          { productId: 'gizmo-1', quantity: 5 },
          { productId: 'limited-1', quantity: 3 },
        ],
      },
      ctx,
    );
    expect(result).toEqual({
      status: 'OutOfStock',
      shortages: [{ productId: 'limited-1', requested: 3, available: 2 }],
    });
    expect((await repos.products.get('gizmo-1'))?.reservations).toEqual({});
  });

  it('refuses input that does not match its schema, naming the field', async () => {
    await expect(
      ReserveInventory.invoke({ orderId: 'x', items: [{ productId: 'gizmo-1', quantity: 0 }] }, ctx),
    ).rejects.toThrow(/items\.0\.quantity/);
  });
});

describe('approval tokens', () => {
  it('match only the token that was hashed', () => {
    const token = newApprovalToken();
    const hash = hashApprovalToken(token);
    expect(tokenMatches(token, hash)).toBe(true);
    expect(tokenMatches(newApprovalToken(), hash)).toBe(false);
    expect(tokenMatches(token, 'abcd')).toBe(false);
  });
});
