import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig } from '../src/config';
import { createCosmosClient } from '../src/data/cosmosClient';
import { seedDatabase, type SeedReport } from '../src/data/seed';

/**
 * Seeds the app's Cosmos database from settings: the process environment first, then the
 * `Values` of local.settings.json (as the Functions host would load them).
 */
export async function seed(
  env: Record<string, string | undefined> = process.env,
  appDir = process.cwd(),
): Promise<SeedReport> {
  const config = parseConfig({ ...localSettings(appDir), ...env });
  const client = createCosmosClient(config);
  try {
    return await seedDatabase(client, config.COSMOS_DATABASE);
  } finally {
    client.dispose();
  }
}

function localSettings(appDir: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(resolve(appDir, 'local.settings.json'), 'utf8')) as {
      Values?: Record<string, string>;
    };
    return parsed.Values ?? {};
  } catch {
    return {};
  }
}

if (require.main === module) {
  seed().then(
    (report) => {
      const created = report.containersCreated.length ? report.containersCreated.join(', ') : 'none';
      const products = report.productsCreated.length ? report.productsCreated.join(', ') : 'none';
      console.log(
        `Seeded Cosmos database "${report.database}": containers created: ${created}; products created: ${products}.`,
      );
    },
    (err: unknown) => {
      console.error(`Seeding failed: ${err instanceof Error ? err.message : String(err)}`);
      console.error(
        'Is the Cosmos emulator running? `npm start` starts one; or set COSMOS_ENDPOINT and COSMOS_KEY.',
      );
      process.exitCode = 1;
    },
  );
}
