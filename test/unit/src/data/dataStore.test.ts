import { verifyDataStore } from '../../../../src/data/dataStore';
import { seedDatabase } from '../../../../src/data/seed';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';

let cosmos: TestCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

describe('database verification and seed', () => {
  it('accepts a seeded database', async () => {
    await expect(verifyDataStore(cosmos.database)).resolves.toBeUndefined();
  });

  it('names a missing database and says how to create it', async () => {
    await expect(verifyDataStore(cosmos.client.database('absent-db'))).rejects.toThrow(
      /database "absent-db" does not exist.*seed\.js/,
    );
  });

  it('names missing containers', async () => {
    const { database } = await cosmos.client.databases.createIfNotExists({ id: 'partial-db' });
    await database.containers.createIfNotExists({ id: 'products', partitionKey: { paths: ['/id'] } });
    await expect(verifyDataStore(database)).rejects.toThrow(/lacks container\(s\) orders, paymentTokens/);
  });

  it('seeds only what is missing and never resets stock', async () => {
    const { products } = cosmos.repositories();
    await products.reserve('widget-1', 'order-x', 3);
    const again = await seedDatabase(cosmos.client, cosmos.database.id);
    expect(again).toEqual({ database: cosmos.database.id, containersCreated: [], productsCreated: [] });
    expect((await products.get('widget-1'))?.reservations).toEqual({ 'order-x': 3 });
  });
});
