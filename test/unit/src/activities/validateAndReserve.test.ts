import { InvocationContext } from '@azure/functions';
import { hashApprovalToken, newApprovalToken, tokenMatches } from '../../../../src/activities/approvalToken';
import { ReserveInventory } from '../../../../src/activities/reserveInventory';
import { ValidateOrder } from '../../../../src/activities/validateOrder';
import { type Repositories, useRepositories } from '../../../../src/data/repositories';
import { withoutPaymentToken, CreateOrderRequestSchema } from '../../../../src/domain';
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
  it('accepts an order matching the catalog and totals it in cents', async () => {
    const order = withoutPaymentToken(CreateOrderRequestSchema.parse(validOrder()));
    expect(await ValidateOrder.invoke({ order }, ctx)).toEqual({ valid: true, totalCents: 2 * 1999 + 4950 });
  });

  it('names unknown products, stale prices and malformed orders', async () => {
    const order = withoutPaymentToken(CreateOrderRequestSchema.parse(validOrder()));
    order.items[0]!.productId = 'ghost';
    order.items[1]!.unitPrice = 1;
    const result = await ValidateOrder.invoke({ order }, ctx);
    expect(result.valid ? [] : result.issues.map((i) => i.path)).toEqual([
      'items.0.productId',
      'items.1.unitPrice',
    ]);
    const malformed = await ValidateOrder.invoke({ order: { ...order, items: [] } }, ctx);
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
