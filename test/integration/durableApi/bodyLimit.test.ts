import { call, startApiHarness, type ApiHarness } from './harness';

describe('the request body limit (--max-request-body-size) on the Durable HTTP API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ maxRequestBodyBytes: 64 });
  });
  afterAll(() => h.close());

  const large = JSON.stringify('x'.repeat(200));

  it('answers a start on the public webhook with a body over the limit with 413, starting nothing', async () => {
    const res = await call('POST', `${h.publicBase}orchestrators/hello/too-big`, {
      body: large,
      contentType: 'application/json',
    });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(h.fake.callsOf('startNew')).toHaveLength(0);
  });

  it('applies the same limit on the loopback RPC listener', async () => {
    const res = await call('POST', `${h.rpcBase}orchestrators/hello/too-big-rpc`, {
      body: large,
      contentType: 'application/json',
    });
    expect(res.status).toBe(413);
    expect(h.fake.callsOf('startNew')).toHaveLength(0);
  });

  it('serves a body within the limit', async () => {
    const res = await call('POST', `${h.publicBase}orchestrators/hello/small`, {
      body: '"ok"',
      contentType: 'application/json',
    });
    expect(res.status).toBe(202);
    expect(h.fake.callsOf('startNew')).toHaveLength(1);
  });
});
