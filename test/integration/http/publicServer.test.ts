import * as http from 'node:http';
import { startRpcListener } from '../../../devhost/src/durable/client/rpcListener';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { redactUrl, startPublicServer, type PublicServer } from '../../../devhost/src/http/publicServer';

/** The `Keep-Alive` header a server sends to a keep-alive client (Node's global agent). */
function keepAliveHeader(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.headers['keep-alive'] as string | undefined);
      })
      .on('error', reject);
  });
}

describe('the public server', () => {
  let server: PublicServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('logs a failed request without the one-time token or key in its URL', async () => {
    const logger = createMemoryLogger();
    server = await startPublicServer({
      host: '127.0.0.1',
      port: 0,
      maxRequestBodyBytes: 1024,
      cors: { origins: [], credentials: false },
      logger,
      fallback: () => {
        throw new Error('handler broke');
      },
    });
    const res = await fetch(`${server.origin}/api/approvals/a-1/approve?token=s3cret-one-time&code=k3y&x=1`);
    expect(res.status).toBe(500);
    const errors = logger.records.filter((r) => r.level === 'error').map((r) => r.message);
    expect(errors).toEqual([
      'devhost failed on GET /api/approvals/a-1/approve?token=<redacted>&code=<redacted>&x=1: Error: handler broke',
    ]);
  });

  // Node's global agent (axios, so the Durable SDK) drops idle sockets after 5 s, as Node's server
  // did by default: both closing at once made a request on the dying socket fail with ECONNRESET.
  it('keeps idle connections 130 s (Kestrel), longer than the clients, on the public port and the RPC listener', async () => {
    server = await startPublicServer({
      host: '127.0.0.1',
      port: 0,
      maxRequestBodyBytes: 1024,
      cors: { origins: [], credentials: false },
      logger: createMemoryLogger(),
      fallback: (_req, res) => {
        res.end('ok');
      },
    });
    const rpc = await startRpcListener((_req, res) => {
      res.end('ok');
    }, 0);
    try {
      expect(await keepAliveHeader(`${server.origin}/`)).toBe('timeout=130');
      expect(await keepAliveHeader(rpc.rpcBaseUrl)).toBe('timeout=130');
    } finally {
      await rpc.close();
    }
  });

  it('redacts token and code wherever they sit in the query, and nothing else', () => {
    expect(redactUrl('/a?Token=t&b=2')).toBe('/a?Token=<redacted>&b=2');
    expect(redactUrl('/a?b=2&code=k#frag')).toBe('/a?b=2&code=<redacted>#frag');
    expect(redactUrl('/a?mytoken=t')).toBe('/a?mytoken=t');
    expect(redactUrl(undefined)).toBe('/');
  });
});
