/**
 * Opens the azure store the way the Functions host configures the task hub: the hub name from
 * host.json (already resolved by the engine settings), `storageProvider.partitionCount`, and the
 * `AzureWebJobsStorage` connection. `DEVHOST_AZURE_VISIBILITY_MS` shortens how long a crash keeps
 * messages hidden (the recovery tests use it); `DEVHOST_CRASH_AT` arms a crash point.
 */
import type { Clock } from '../../clock/clock';
import { AzureTaskHubStore } from './azureTaskHubStore';
import { resolveConnectionString } from './connection';
import { DEFAULT_PARTITION_COUNT } from './names';

export interface OpenAzureStoreOptions {
  hubName: string;
  hostJson: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

export async function openAzureStore(options: OpenAzureStoreOptions): Promise<AzureTaskHubStore> {
  const { env, log } = options;
  const connectionString = resolveConnectionString(env.AzureWebJobsStorage);
  const visibility = env.DEVHOST_AZURE_VISIBILITY_MS;
  const store = await AzureTaskHubStore.open({
    taskHubName: options.hubName,
    connectionString,
    clock: options.clock,
    partitionCount: partitionCount(options.hostJson),
    ...(visibility ? { visibilityMs: Number(visibility) } : {}),
    ...(env.DEVHOST_CRASH_AT ? { crashAt: env.DEVHOST_CRASH_AT } : {}),
    log: (level, message) => log[level](message),
  });
  return store;
}

function partitionCount(hostJson: Readonly<Record<string, unknown>>): number {
  const value = dig(hostJson, ['extensions', 'durableTask', 'storageProvider', 'partitionCount']);
  if (value === undefined) return DEFAULT_PARTITION_COUNT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 16) {
    throw new Error(
      `host.json extensions.durableTask.storageProvider.partitionCount must be a whole number from 1 to 16, not ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
