/**
 * A loopback proxy in front of a Cosmos server that counts the writes passing through it, so a
 * fuzz case can prove it wrote nothing without reading every container back. A write is any
 * request that is not a read or a query in the Cosmos REST API: PUT (replace), DELETE, PATCH, and
 * POST except queries (create, upsert, batch, stored procedure).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CosmosWriteCounter {
  /** The proxy's endpoint, to give the app as COSMOS_ENDPOINT. */
  readonly endpoint: string;
  /** Writes seen so far. */
  readonly writes: number;
  /** The last few writes, `METHOD path`, for reports. */
  readonly recent: readonly string[];
  close(): Promise<void>;
}

function isQuery(req: http.IncomingMessage): boolean {
  const isQueryHeader = String(req.headers['x-ms-documentdb-isquery'] ?? '').toLowerCase() === 'true';
  return isQueryHeader || String(req.headers['content-type'] ?? '').includes('query+json');
}

export function isCosmosWrite(req: http.IncomingMessage): boolean {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return !(method === 'POST' && isQuery(req));
}

export async function startCosmosWriteCounter(target: string): Promise<CosmosWriteCounter> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let writes = 0;
  const recent: string[] = [];
  const server = http.createServer((req, res) => {
    if (isCosmosWrite(req)) {
      writes += 1;
      recent.push(`${req.method} ${req.url}`);
      if (recent.length > 20) recent.shift();
    }
    const forward = http.request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 130_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    get writes() {
      return writes;
    },
    recent,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
