import { seed } from '../../../scripts/seed';
import { startTestCosmos, type TestCosmos } from './support/cosmosServer';

let cosmos: TestCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.close());

describe('the seed module', () => {
  it('creates a database from the settings devhost hands it, and reports what it created', async () => {
    const lines: string[] = [];
    const settings = {
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      COSMOS_DATABASE: 'seeded-by-hook',
    };
    const report = await seed({ appDir: __dirname, settings, log: (line) => lines.push(line) });
    expect(report.containersCreated).toContain('outbox');
    expect(report.productsCreated).toContain('widget-1');
    expect(lines[0]).toMatch(/^Seeded Cosmos database "seeded-by-hook"/);
    const again = await seed({ appDir: __dirname, settings });
    expect(again).toEqual({ database: 'seeded-by-hook', containersCreated: [], productsCreated: [] });
  });

  it('names a missing setting', async () => {
    await expect(
      seed({
        appDir: __dirname,
        settings: { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: '' },
      }),
    ).rejects.toThrow(/COSMOS_DATABASE/);
  });
});
