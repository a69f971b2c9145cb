/**
 * A Cosmos SQL API server over plain http: `@vercel/cosmosdb-server`'s account model and request
 * handlers, served by our own listener so every reply waits until the writes it reflects are on disk.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import routes from '@vercel/cosmosdb-server/lib/routes';
import { COSMOS_EMULATOR_NAME, IDENTITY_PATH, type CosmosIdentity } from './identity';
import { DEFAULT_COMPACT_BYTES, JournalWriter, loadData } from './journal';
import {
  applyMutation,
  createAccount,
  observeAccount,
  restoreSnapshot,
  snapshotAccount,
  type AccountLike,
} from './model';

export interface CosmosServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Where the journal and snapshot live; omit for an in-memory server. */
  dataDir?: string;
  compactBytes?: number;
  log?: (message: string) => void;
}

export interface CosmosServer {
  readonly port: number;
  readonly endpoint: string;
  /** Folds the journal into the snapshot now (no-op in memory). */
  compact(): void;
  close(): Promise<void>;
}

type Handler = (
  account: AccountLike,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  params: Record<string, string>,
) => unknown;
type Route = (req: http.IncomingMessage) => [Record<string, string>, Handler] | undefined;

function loadRoutes(): Route {
  const candidate: unknown = routes;
  if (typeof candidate !== 'function') {
    throw new Error(
      '@vercel/cosmosdb-server/lib/routes has an unexpected shape: devhost needs version 1.0.1.',
    );
  }
  return candidate as Route;
}

interface Durability {
  durable(): Promise<void>;
}

const QUERY_METRICS =
  'totalExecutionTimeInMs=0.00;queryCompileTimeInMs=0.00;queryLogicalPlanBuildTimeInMs=0.00;' +
  'queryPhysicalPlanBuildTimeInMs=0.00;queryOptimizationTimeInMs=0.00;VMExecutionTimeInMs=0.00;' +
  'indexLookupTimeInMs=0.00;documentLoadTimeInMs=0.00;systemFunctionExecuteTimeInMs=0.00;' +
  'userFunctionExecuteTimeInMs=0.00;retrievedDocumentCount=0;retrievedDocumentSize=0;outputDocumentCount=1;' +
  'outputDocumentSize=0;writeOutputTimeInMs=0.00;indexUtilizationRatio=0.00';

async function serve(
  route: Route,
  account: AccountLike,
  durability: Durability,
  identity: CosmosIdentity,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  if (req.method === 'GET' && req.url === IDENTITY_PATH) {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(identity));
    return;
  }
  let body: unknown;
  const match = route(req);
  if (!match) {
    res.statusCode = 400;
    body = { message: 'no route' };
  } else {
    try {
      body = await match[1](account, req, res, match[0]);
    } catch (err) {
      res.statusCode = 500;
      body = { message: err instanceof Error ? err.message : String(err) };
    }
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  if (res.statusCode >= 400 && record && typeof record.message !== 'string') record.message = '';
  if (record && typeof record._etag === 'string') res.setHeader('etag', record._etag);
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-location', `http://${req.headers.host ?? ''}${req.url ?? ''}`);
  res.setHeader('x-ms-activity-id', randomUUID());
  res.setHeader('x-ms-request-charge', '1');
  if (req.headers['x-ms-documentdb-populatequerymetrics']) {
    res.setHeader('x-ms-documentdb-query-metrics', QUERY_METRICS);
  }
  if (req.headers['a-im'] && res.statusCode === 200) {
    // The server has no real change feed: it answers the first read with everything, then 304.
    if (req.headers['if-none-match']) res.statusCode = 304;
    res.setHeader('etag', '1');
  }
  try {
    await durability.durable();
  } catch (err) {
    res.statusCode = 500;
    res.removeHeader('etag');
    body = { code: 'InternalServerError', message: err instanceof Error ? err.message : String(err) };
  }
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startCosmosServer(options: CosmosServerOptions): Promise<CosmosServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const route = loadRoutes();
  // Requests that arrive while the journal is replayed are told to retry.
  const ready: { handle?: (req: http.IncomingMessage, res: http.ServerResponse) => void } = {};
  const server = http.createServer((req, res) => {
    if (ready.handle) {
      ready.handle(req, res);
    } else {
      res.statusCode = 503;
      res.setHeader('retry-after', '1');
      res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'starting' }));
    }
  });
  const port = await listen(server, host, options.port);
  let account: AccountLike;
  let journal: JournalWriter | undefined;
  try {
    // The account advertises its own address, so it can only be built once the port is known.
    account = createAccount(host, port);
    if (options.dataDir) {
      const data = loadData(options.dataDir, log);
      if (data.snapshot) restoreSnapshot(account, data.snapshot);
      let skipped = 0;
      for (const line of data.lines) if (!applyMutation(account, line)) skipped += 1;
      if (skipped > 0)
        log(`Cosmos journal: ${skipped} entries referred to deleted containers and were skipped`);
      const acc = account;
      journal = new JournalWriter({
        dir: options.dataDir,
        lastSeq: data.lastSeq,
        compactBytes: options.compactBytes ?? DEFAULT_COMPACT_BYTES,
        snapshot: () => snapshotAccount(acc),
        log,
      });
      const writer = journal;
      observeAccount(account, (mutation) => writer.append(mutation));
      if (journal.bytes > (options.compactBytes ?? DEFAULT_COMPACT_BYTES)) journal.compact();
    }
  } catch (err) {
    server.close();
    throw err;
  }
  const durability: Durability = journal ?? { durable: () => Promise.resolve() };
  const identity: CosmosIdentity = {
    emulator: COSMOS_EMULATOR_NAME,
    pid: process.pid,
    dataDir: options.dataDir ?? null,
  };
  const acc = account;
  ready.handle = (req, res) => {
    serve(route, acc, durability, identity, req, res).catch((err: unknown) => {
      log(`Cosmos request failed: ${String(err)}`);
      if (!res.writableEnded) {
        res.statusCode = 500;
        res.end('');
      }
    });
  };
  return {
    port,
    endpoint: `http://${host}:${port}`,
    compact: () => journal?.compact(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          journal?.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
