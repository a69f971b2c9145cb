/**
 * A loopback proxy in front of one of Azurite's services that can hold the requests a predicate
 * picks until told to let them through (as a busy storage service answers late), or answer them
 * with an error instead (as a failing one does), held ones or all of them for a while. Everything
 * else goes straight through.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingProxy {
  /** The service endpoint to use instead of the real one (same path). */
  readonly endpoint: string;
  readonly heldCount: number;
  hold(): void;
  /** Lets the held requests through, and stops holding. */
  release(): void;
  /** Answers the held requests with this status (and a service-style error body), and stops holding. */
  fail(status: number): void;
  /** Answers every picked request with this status at once, until `release`. */
  refuse(status: number): void;
  close(): Promise<void>;
}

async function startHoldingProxy(
  serviceEndpoint: string,
  picks: (req: http.IncomingMessage) => boolean,
): Promise<HoldingProxy> {
  const target = new URL(serviceEndpoint);
  const agent = new http.Agent({ keepAlive: true });
  let holding = false;
  let refusing: number | undefined;
  const held: { forward: () => void; refuse: (status: number) => void }[] = [];
  const server = http.createServer((req, res) => {
    const forward = () => {
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    const refuse = (status: number) => {
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ 'odata.error': { code: 'InternalError', message: { value: 'held by the test' } } }),
      );
    };
    if (refusing !== undefined && picks(req)) refuse(refusing);
    else if (holding && picks(req)) held.push({ forward, refuse });
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}${target.pathname}`,
    get heldCount() {
      return held.length;
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      refusing = undefined;
      for (const request of held.splice(0)) request.forward();
    },
    fail: (status) => {
      holding = false;
      for (const request of held.splice(0)) request.refuse(status);
    },
    refuse: (status) => {
      refusing = status;
    },
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A holding proxy in front of one service of the account a connection string names, and that
 * connection string with the service's endpoint pointing at the proxy.
 */
export async function proxyService(
  connectionString: string,
  service: 'Blob' | 'Queue' | 'Table',
  picks: (req: http.IncomingMessage) => boolean,
): Promise<{ proxy: HoldingProxy; connectionString: string }> {
  const endpoint = new RegExp(`${service}Endpoint=([^;]+)`).exec(connectionString)?.[1];
  if (!endpoint) throw new Error(`The connection string names no ${service}Endpoint.`);
  const proxy = await startHoldingProxy(endpoint, picks);
  return { proxy, connectionString: connectionString.replace(endpoint, proxy.endpoint) };
}

/** A read of a queue's messages (a GET that hides what it returns), not a peek. */
export function isQueueRead(req: http.IncomingMessage): boolean {
  const url = req.url ?? '';
  return req.method === 'GET' && /\/messages(\?|$)/.test(url) && !/peekonly/i.test(url);
}
