import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { call, startApiHarness, type ApiHarness } from './harness';

const keys = { systemKey: 'sys-key/+=', masterKey: 'master-key' };

describe('the public webhook API with keys enforced', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ keys });
    h.fake.addInstance('keyed', 'Completed');
  });
  afterAll(() => h.close());

  it.each([
    ['no key', ''],
    ['a wrong code', '?code=nope'],
    ['a near miss of the master key', '?code=master-key-x'],
    ['a host function key', '?code=function-key'],
  ])('answers %s with an empty 401', async (_what, query) => {
    const res = await call('GET', `${h.publicBase}instances/keyed${query}`);
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    expect(h.fake.callsOf('getStatus')).toHaveLength(0);
  });

  it('accepts the durabletask_extension system key in code', async () => {
    const res = await call(
      'GET',
      `${h.publicBase}instances/keyed?code=${encodeURIComponent(keys.systemKey)}`,
    );
    expect(res.status).toBe(200);
  });

  it('accepts the master key in x-functions-key', async () => {
    const res = await call('GET', `${h.publicBase}instances/keyed`, {
      headers: { 'x-functions-key': 'master-key' },
    });
    expect(res.status).toBe(200);
  });

  it('asks no key on the loopback RPC listener', async () => {
    expect((await call('GET', `${h.rpcBase}instances/keyed`)).status).toBe(200);
  });

  it('puts the system key into the links it hands out, and they work as given', async () => {
    const res = await call('POST', `${h.rpcBase}orchestrators/hello/linked`, { body: '1' });
    const links = res.json() as Record<string, string>;
    const code = `code=${encodeURIComponent(keys.systemKey)}`;
    expect(links.statusQueryGetUri).toBe(
      `${h.origin}/runtime/webhooks/durabletask/instances/linked?taskHub=TestHubName&connection=Storage&${code}`,
    );
    for (const link of Object.values(links).slice(1)) expect(link).toContain(code);
    expect((await call('GET', links.statusQueryGetUri!)).status).toBe(202);
    const terminate = links.terminatePostUri!.replace('{text}', 'done');
    expect((await call('POST', terminate)).status).toBe(202);
  });

  it('puts the key into the durableClient payload', () => {
    const payload = h.api.payload();
    expect(payload.requiredQueryStringParameters).toBe(`code=${encodeURIComponent(keys.systemKey)}`);
    expect(payload.creationUrls.createNewInstancePostUri).toBe(
      `${h.origin}/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?code=${encodeURIComponent(keys.systemKey)}`,
    );
  });
});

describe('the public webhook API with keys not enforced', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
    h.fake.addInstance('open', 'Running');
  });
  afterAll(() => h.close());

  it('needs no key, and ignores a wrong one', async () => {
    expect((await call('GET', `${h.publicBase}instances/open`)).status).toBe(202);
    expect((await call('GET', `${h.publicBase}instances/open?code=whatever`)).status).toBe(202);
  });

  it('matches the webhook path case-insensitively, as the host routes it', async () => {
    expect((await call('GET', `${h.origin}/Runtime/Webhooks/DurableTask/instances/open`)).status).toBe(202);
  });

  it('answers verbs the host does not route to webhooks with 404', async () => {
    expect((await call('PATCH', `${h.publicBase}instances/open`)).status).toBe(404);
  });

  it('hands out links without a code', async () => {
    const res = await call('POST', `${h.publicBase}orchestrators/hello/nokey`, { body: '1' });
    expect((res.json() as { statusQueryGetUri: string }).statusQueryGetUri).toBe(
      `${h.origin}/runtime/webhooks/durabletask/instances/nokey?taskHub=TestHubName&connection=Storage`,
    );
    expect(h.api.payload().requiredQueryStringParameters).toBe('');
  });

  it("builds links from devhost's own origin, never from the Host the caller sent", async () => {
    const localhostBase = h.publicBase.replace('127.0.0.1', 'localhost');
    const res = await call('POST', `${localhostBase}orchestrators/hello/viahost`, { body: '1' });
    const body = res.json() as { statusQueryGetUri: string; purgeHistoryDeleteUri: string };
    expect(res.headers.get('location')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/runtime\/webhooks\/durabletask\/instances\/viahost\?/,
    );
    expect(body.statusQueryGetUri.startsWith(`${h.origin}/`)).toBe(true);
    expect(body.purgeHistoryDeleteUri.startsWith(`${h.origin}/`)).toBe(true);
  });
});

describe('the loopback RPC listener', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  });
  afterAll(() => h.close());

  it('listens on 127.0.0.1 under /durabletask/, with the trailing slash the SDK needs', () => {
    expect(h.rpcBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/durabletask\/$/);
  });

  it('answers paths outside /durabletask/ with 404', async () => {
    const root = new URL('/runtime/webhooks/durabletask/instances', h.rpcBase).href;
    expect((await call('GET', root)).status).toBe(404);
  });

  it('cannot be reached on any other interface of this machine', async () => {
    const port = Number(new URL(h.rpcBase).port);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal)
      .map((address) => address!.address);
    for (const host of [...others, '::1']) {
      await expect(tryConnect(host, port)).resolves.toBe('refused');
    }
  });
});

function tryConnect(host: string, port: number): Promise<'connected' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', () => resolve('refused'));
  });
}

describe('two hosts in one process', () => {
  it('each hand out their own URLs, whatever WEBSITE_HOSTNAME says', async () => {
    const saved = process.env.WEBSITE_HOSTNAME;
    process.env.WEBSITE_HOSTNAME = 'localhost:7071';
    const [a, b] = await Promise.all([startApiHarness(), startApiHarness()]);
    try {
      expect(a.api.payload().baseUrl).toBe(`${a.origin}/runtime/webhooks/durabletask`);
      expect(b.api.payload().baseUrl).toBe(`${b.origin}/runtime/webhooks/durabletask`);
      expect(a.api.payload().rpcBaseUrl).not.toBe(b.api.payload().rpcBaseUrl);
      const links = (await call('POST', `${b.rpcBase}orchestrators/hello/mine`, { body: '1' })).json() as {
        statusQueryGetUri: string;
      };
      expect(links.statusQueryGetUri.startsWith(b.origin)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.WEBSITE_HOSTNAME;
      else process.env.WEBSITE_HOSTNAME = saved;
      await Promise.all([a.close(), b.close()]);
    }
  });
});
