/**
 * `--seed <module>`: runs after the emulators are up and before the app loads. The module exports
 * `seed(context)` (or a default function); it must be idempotent, since it runs on every start.
 */
import * as path from 'node:path';
import { EmulatorError } from './errors';

export interface SeedContext {
  appDir: string;
  /** The app's settings with the emulator endpoints applied (COSMOS_ENDPOINT, AzureWebJobsStorage...). */
  settings: Record<string, string | undefined>;
  log: (line: string) => void;
}

export type SeedFunction = (context: SeedContext) => unknown;

export async function runSeed(modulePath: string, context: SeedContext): Promise<void> {
  const resolved = path.resolve(context.appDir, modulePath);
  let mod: { seed?: unknown; default?: unknown };
  try {
    mod = (await import(resolved)) as { seed?: unknown; default?: unknown };
  } catch (err) {
    throw new EmulatorError(
      `--seed ${modulePath}: cannot load ${resolved} (${String(err)}). Build first, or fix the path.`,
    );
  }
  const fn =
    typeof mod.seed === 'function' ? mod.seed : typeof mod.default === 'function' ? mod.default : undefined;
  if (!fn) throw new EmulatorError(`--seed ${modulePath}: ${resolved} exports no seed(context) function.`);
  await (fn as SeedFunction)(context);
}
