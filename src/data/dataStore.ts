import { type Container, type Database } from '@azure/cosmos';
import { getConfig } from '../config';
import { CONTAINER_NAMES, type ContainerName } from './containers';
import { createCosmosClient } from './cosmosClient';
import { DataStoreNotReadyError, isNotFound } from './errors';

export type Containers = Record<ContainerName, Container>;

export function containersOf(database: Database): Containers {
  return Object.fromEntries(CONTAINER_NAMES.map((name) => [name, database.container(name)])) as Containers;
}

const SEED_HINT = 'Run `node dist/scripts/seed.js` (npm start runs it) or create them in the Cosmos account.';

/** Fails with a message naming what is missing, so a missing seed is not a puzzling 404 later. */
export async function verifyDataStore(database: Database): Promise<void> {
  try {
    await database.read();
  } catch (err) {
    if (isNotFound(err))
      throw new DataStoreNotReadyError(`Cosmos database "${database.id}" does not exist. ${SEED_HINT}`);
    throw err;
  }
  const missing: string[] = [];
  for (const name of CONTAINER_NAMES) {
    try {
      await database.container(name).read();
    } catch (err) {
      if (!isNotFound(err)) throw err;
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new DataStoreNotReadyError(
      `Cosmos database "${database.id}" lacks container(s) ${missing.join(', ')}. ${SEED_HINT}`,
    );
  }
}

let ready: Promise<Containers> | undefined;

/**
 * The app's containers, verified on first use rather than at app start: an app whose Cosmos is
 * down still serves its status endpoints, and each failed use explains what is missing.
 */
export function getContainers(): Promise<Containers> {
  ready ??= (async () => {
    const config = getConfig();
    const database = createCosmosClient(config).database(config.COSMOS_DATABASE);
    await verifyDataStore(database);
    return containersOf(database);
  })().catch((err: unknown) => {
    ready = undefined; // let the next call try again once the seed has run
    throw err;
  });
  return ready;
}
