/**
 * The local outbox viewer's data side. The app writes notifications (confirmations, approval requests
 * with their links) as documents into a Cosmos container; devhost prints each new one and lists them.
 *
 * It polls with a query on `_ts` rather than reading the change feed: the embedded server has no real
 * change feed (it answers the first read with everything, then "not modified"), and `_ts` works the
 * same against the embedded server, the Cosmos DB emulator and Azure. `_ts` has one-second resolution,
 * so each poll re-reads the last second and skips documents (by `_rid` + `_etag`) it already showed.
 */
import type * as CosmosSdk from '@azure/cosmos';
import type { Container } from '@azure/cosmos';
import { COSMOS_EMULATOR_KEY, DEFAULT_HOST, DEFAULT_PORTS } from '../defaults';
import { EmulatorError } from '../errors';
import { ensureError } from '../../worker/errors';
import type { OutboxDocument } from './format';

export { formatOutboxDocument, type OutboxDocument } from './format';

const DEFAULT_OUTBOX_CONTAINER = 'outbox';

export interface OutboxTarget {
  endpoint: string;
  key: string;
  database: string;
  container: string;
}

/** Database from `COSMOS_DATABASE`, container `outbox`, unless given. */
export function outboxTarget(
  settings: Record<string, string | undefined>,
  overrides: { database?: string; container?: string } = {},
): OutboxTarget {
  const database = overrides.database ?? settings.COSMOS_DATABASE;
  if (!database) {
    throw new EmulatorError(
      'The outbox viewer needs a database: set COSMOS_DATABASE or pass --database <name>.',
    );
  }
  return {
    endpoint: settings.COSMOS_ENDPOINT ?? `http://${DEFAULT_HOST}:${DEFAULT_PORTS.cosmos}`,
    key: settings.COSMOS_KEY ?? COSMOS_EMULATOR_KEY,
    database,
    container: overrides.container ?? DEFAULT_OUTBOX_CONTAINER,
  };
}

/**
 * One client per target, held by whoever lists or watches (the viewer plugin, a watcher, the CLI) and
 * disposed when it stops: a client per request would leave its connections and timers behind.
 */
export interface OutboxConnection {
  readonly container: Container;
  dispose(): void;
}

/**
 * The Cosmos SDK, loaded when an outbox is first opened: it is about 300 modules, a sixth of what
 * `devhost start` loads, and an app that keeps no outbox in Cosmos never needs it.
 */
function cosmosSdk(): typeof CosmosSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@azure/cosmos') as typeof CosmosSdk;
}

export function connectOutbox(target: OutboxTarget): OutboxConnection {
  const { CosmosClient } = cosmosSdk();
  const client = new CosmosClient({
    endpoint: target.endpoint,
    key: target.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  return {
    container: client.database(target.database).container(target.container),
    dispose: () => client.dispose(),
  };
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 404;
}

/** Newest first; an absent container is an empty outbox. */
export async function listOutbox(
  container: Container,
  options: { limit?: number; sinceTs?: number } = {},
): Promise<OutboxDocument[]> {
  const limit = Math.max(1, Math.min(options.limit ?? 100, 1000));
  try {
    const { resources } = await container.items
      .query<OutboxDocument>({
        query: 'SELECT * FROM c WHERE c._ts >= @since ORDER BY c._ts DESC',
        parameters: [{ name: '@since', value: options.sinceTs ?? 0 }],
      })
      .fetchAll();
    return resources.slice(0, limit);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

export interface OutboxWatcherOptions extends OutboxTarget {
  onDocument: (doc: OutboxDocument) => void;
  log?: (line: string) => void;
  /** Default 1000 ms. 0 disables the timer: call `poll()` yourself (tests). */
  intervalMs?: number;
}

export interface OutboxWatcher {
  /** One poll now: reports and returns documents written or changed since the previous one. */
  poll(): Promise<OutboxDocument[]>;
  stop(): void;
}

export function watchOutbox(options: OutboxWatcherOptions): OutboxWatcher {
  const log = options.log ?? (() => undefined);
  const connection = connectOutbox(options);
  const { container } = connection;
  const where = `${options.database}/${options.container}`;
  let since = 0;
  let seen = new Map<string, string>();
  let baseline = true;
  let missingReported = false;
  let failing = false;

  const poll = async (): Promise<OutboxDocument[]> => {
    let docs: OutboxDocument[];
    try {
      ({ resources: docs } = await container.items
        .query<OutboxDocument>({
          query: 'SELECT * FROM c WHERE c._ts >= @since',
          parameters: [{ name: '@since', value: since }],
        })
        .fetchAll());
      failing = false;
    } catch (err) {
      if (isNotFound(err)) {
        if (!missingReported) log(`outbox: waiting for ${where} to exist`);
        missingReported = true;
      } else if (!failing) {
        log(`outbox: reading ${where} failed (${ensureError(err).message}); will keep trying`);
        failing = true;
      }
      if (isNotFound(err)) baseline = false;
      return [];
    }
    const fresh = docs.filter((doc) => seen.get(String(doc._rid)) !== String(doc._etag));
    const maxTs = docs.reduce((max, doc) => Math.max(max, doc._ts ?? 0), since);
    // Only the newest second can come back in the next poll; older documents return only when changed.
    const next = new Map<string, string>();
    for (const doc of docs) if ((doc._ts ?? 0) >= maxTs) next.set(String(doc._rid), String(doc._etag));
    seen = next;
    since = maxTs;
    if (baseline) {
      // Documents from before this start were shown when they were written: summarise, don't repeat.
      baseline = false;
      if (fresh.length > 0) log(`outbox: ${fresh.length} earlier document(s) in ${where}`);
      return [];
    }
    fresh.sort((a, b) => (a._ts ?? 0) - (b._ts ?? 0));
    for (const doc of fresh) options.onDocument(doc);
    return fresh;
  };

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    if (stopped || !options.intervalMs) return;
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  if (options.intervalMs !== 0) {
    options.intervalMs ??= 1000;
    void poll().finally(schedule);
  }
  return {
    poll,
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      connection.dispose();
    },
  };
}
