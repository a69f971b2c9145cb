import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig } from '../src/config';
import { createCosmosClient } from '../src/data/cosmosClient';
import { seedDatabase, type SeedReport } from '../src/data/seed';

/** What devhost's `--seed <module>` hook passes; every field is optional for standalone use. */
export interface SeedContext {
  appDir?: string;
  /** The app's settings, with emulator endpoints already applied. */
  settings?: Record<string, string | undefined>;
  log?: (line: string) => void;
}

/**
 * Seeds the app's Cosmos database. Settings come from the context (devhost's seed hook), else the
 * process environment, over the `Values` of local.settings.json, as the Functions host layers them.
 */
export async function seed(context: SeedContext = {}): Promise<SeedReport> {
  const appDir = context.appDir ?? process.cwd();
  const config = parseConfig({ ...localSettings(appDir), ...process.env, ...(context.settings ?? {}) });
  const client = createCosmosClient(config);
  try {
    const report = await seedDatabase(client, config.COSMOS_DATABASE);
    context.log?.(describe(report));
    return report;
  } finally {
    client.dispose();
  }
}

export function describe(report: SeedReport): string {
  const created = report.containersCreated.length ? report.containersCreated.join(', ') : 'none';
  const products = report.productsCreated.length ? report.productsCreated.join(', ') : 'none';
  return `Seeded Cosmos database "${report.database}": containers created: ${created}; products created: ${products}.`;
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
