/**
 * A loopback proxy in front of the Cosmos server that throttles as Cosmos DB does when a
 * container's provisioned throughput is exceeded: `429` with `x-ms-retry-after-ms` and sub-status
 * 3200, which `@azure/cosmos` retries after the time given (its `ResourceThrottleRetryPolicy`).
 * While the server behind it is down (a restart) it drops each connection, as a refused or reset
 * connection looks to the client.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottleSetting {
  /** Share of requests answered 429, 0 to 1. */
  rate: number;
  /** What `x-ms-retry-after-ms` says: a random value in this range. */
  retryAfterMs: readonly [number, number];
}

export interface ProxyCounts {
  forwarded: number;
  throttled: number;
  /** Connections dropped because the server behind was not reachable. */
  dropped: number;
}

export class CosmosFaultProxy {
  readonly counts: ProxyCounts = { forwarded: 0, throttled: 0, dropped: 0 };
  private throttle: ThrottleSetting = { rate: 0, retryAfterMs: [0, 0] };
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  private constructor(
    private readonly server: http.Server,
    private target: URL,
  ) {}

  /** Listens on 127.0.0.1 on a free port and forwards to `target` (the Cosmos server's endpoint). */
  static async start(target: string): Promise<CosmosFaultProxy> {
    const server = http.createServer();
    // The SDK keeps connections alive; a restart of the server behind must not strand them here.
    server.keepAliveTimeout = 5_000;
    const proxy = new CosmosFaultProxy(server, new URL(target));
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => proxy.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  setThrottle(setting: ThrottleSetting): void {
    this.throttle = setting;
  }

  /** The server behind moved (it restarted on another port). */
  retarget(target: string): void {
    this.target = new URL(target);
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.throttle.rate > 0 && Math.random() < this.throttle.rate) {
      this.counts.throttled += 1;
      const [low, high] = this.throttle.retryAfterMs;
      const wait = Math.round(low + Math.random() * (high - low));
      req.resume();
      const body = JSON.stringify({
        code: 'TooManyRequests',
        message: 'Request rate is large. More Request Units may be needed, so no changes were made.',
      });
      res.writeHead(429, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-ms-retry-after-ms': String(wait),
        'x-ms-substatus': '3200',
        'x-ms-activity-id': randomUUID(),
        'x-ms-request-charge': '0',
      });
      res.end(body);
      return;
    }
    const upstream = http.request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.target.host },
        agent: this.agent,
      },
      (answer) => {
        this.counts.forwarded += 1;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('error', () => res.destroy());
      },
    );
    upstream.once('error', () => {
      this.counts.dropped += 1;
      req.resume();
      res.destroy();
    });
    req.pipe(upstream);
  }
}
