import { availableQuantity, reservedQuantity } from '../../../../src/data/productRepository';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';

let cosmos: TestCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

describe('stock reservations', () => {
  it('lets exactly the stock through when 50 callers race for 10 units', async () => {
    let conflicts = 0;
    const products = cosmos.repositories({
      etagPolicy: { maxAttempts: 200, maxBackoffMs: 5, onConflict: () => conflicts++ },
    }).products;
    await products.createIfMissing({ id: 'race-1', name: 'Race', unitPrice: 1, currency: 'USD', stock: 10 });

    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => products.reserve('race-1', `order-${i}`, 1)),
    );

    expect(outcomes.filter((o) => o.outcome === 'Reserved')).toHaveLength(10);
    expect(outcomes.filter((o) => o.outcome === 'Insufficient')).toHaveLength(40);
    const doc = await products.get('race-1');
    expect(doc && reservedQuantity(doc)).toBe(10);
    expect(doc && reservedQuantity(doc) + availableQuantity(doc)).toBe(10);
    expect(doc && availableQuantity(doc)).toBe(0);
    expect(Object.values(doc?.reservations ?? {}).every((q) => q > 0)).toBe(true);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('reserves once per order however often it is asked, and releases once', async () => {
    const { products } = cosmos.repositories();
    await products.createIfMissing({ id: 'idem-1', name: 'Idem', unitPrice: 1, currency: 'USD', stock: 5 });

    const twice = await Promise.all([
      products.reserve('idem-1', 'o1', 3),
      products.reserve('idem-1', 'o1', 3),
    ]);
    expect(twice.map((o) => o.outcome).sort()).toEqual(['AlreadyReserved', 'Reserved']);
    expect(await products.reserve('idem-1', 'o2', 3)).toMatchObject({
      outcome: 'Insufficient',
      available: 2,
    });

    expect(await products.release('idem-1', 'o1')).toBe(true);
    expect(await products.release('idem-1', 'o1')).toBe(false);
    const doc = await products.get('idem-1');
    expect(doc?.reservations).toEqual({});
  });

  it('treats an order id named like an Object property as data', async () => {
    const { products } = cosmos.repositories();
    await products.createIfMissing({ id: 'proto-1', name: 'P', unitPrice: 1, currency: 'USD', stock: 1 });
    expect(await products.reserve('proto-1', 'constructor', 1)).toMatchObject({ outcome: 'Reserved' });
    expect(await products.release('proto-1', 'toString')).toBe(false);
  });

  it('reports unknown products instead of creating them', async () => {
    const { products } = cosmos.repositories();
    expect(await products.reserve('nope', 'o1', 1)).toEqual({ outcome: 'UnknownProduct', productId: 'nope' });
    expect(await products.get('nope')).toBeUndefined();
  });
});
