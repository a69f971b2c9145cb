import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { redactUrl, startPublicServer, type PublicServer } from '../../../devhost/src/http/publicServer';

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

  it('redacts token and code wherever they sit in the query, and nothing else', () => {
    expect(redactUrl('/a?Token=t&b=2')).toBe('/a?Token=<redacted>&b=2');
    expect(redactUrl('/a?b=2&code=k#frag')).toBe('/a?b=2&code=<redacted>#frag');
    expect(redactUrl('/a?mytoken=t')).toBe('/a?mytoken=t');
    expect(redactUrl(undefined)).toBe('/');
  });
});
