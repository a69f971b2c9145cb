import * as http from 'node:http';
import * as net from 'node:net';
import { startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

interface RawAnswer {
  /** Everything the server sent before it closed the connection. */
  text: string;
  ms: number;
}

/** Opens a connection, sends `bytes` and nothing more, and collects the answer until the server closes. */
function sendAndWait(origin: string, bytes: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let text = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, ms: Date.now() - started }));
  });
}

function jsonBodyOf(answer: RawAnswer): unknown {
  return JSON.parse(answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4));
}

/** Polls `check` until it holds (work finishing in the host, not a timer), for at most 2 s. */
async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('The condition did not hold within 2 s.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the time limit on an HTTP answer', () => {
  let t: FixtureDevhost;
  beforeAll(async () => {
    t = await startFixtureDevhost('slow-app', { functionTimeoutMs: 10_000, httpFunctionTimeoutMs: 300 });
  });
  afterAll(() => t.close());

  test('a function that has not answered by the limit gets the client 504 with a JSON body, the host serves others, and the invocation runs on', async () => {
    const started = Date.now();
    const held = fetch(`${t.host.url}/api/held`);
    const fast = await fetch(`${t.host.url}/api/fast`);
    expect(await fast.text()).toBe('fast');

    const res = await held;
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.headers.get('x-devhost-error')).toBe('HTTP_FUNCTION_TIMEOUT');
    expect(await res.json()).toEqual({
      error: {
        code: 'HTTP_FUNCTION_TIMEOUT',
        message: expect.stringContaining('--http-function-timeout') as unknown,
      },
    });

    // The invocation was not abandoned: released now, it completes and is logged as it ends.
    const release = await fetch(`${t.host.url}/api/release`, { method: 'POST' });
    expect(await release.json()).toEqual({ released: 1 });
    await eventually(() =>
      t.logger.records.some((r) => r.fields.function === 'held' && r.fields.outcome === 'Succeeded'),
    );
  });
});

describe('the bound on requests running at once', () => {
  let t: FixtureDevhost;
  beforeAll(async () => {
    t = await startFixtureDevhost('slow-app', {
      functionTimeoutMs: 10_000,
      httpFunctionTimeoutMs: 800,
      maxConcurrentRequests: 2,
    });
  });
  afterAll(() => t.close());

  test('past it a request gets 503 with Retry-After and the JSON body, and is served again once one ends', async () => {
    const held = [fetch(`${t.host.url}/api/held`), fetch(`${t.host.url}/api/held`)];
    // Until both are running another request is served; then it is refused.
    let refused: Response | undefined;
    const deadline = Date.now() + 2_000;
    while (!refused) {
      expect(Date.now()).toBeLessThan(deadline);
      const res = await fetch(`${t.host.url}/api/fast`);
      if (res.status === 503) refused = res;
      else expect(await res.text()).toBe('fast');
    }
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('connection')).toBe('close');
    expect(await refused.json()).toEqual({
      error: { code: 'HOST_BUSY', message: expect.stringContaining('2 requests are running') as unknown },
    });

    // The held requests end at the HTTP time limit (their invocations run on): room again.
    expect((await Promise.all(held)).map((res) => res.status)).toEqual([504, 504]);
    expect(await (await fetch(`${t.host.url}/api/fast`)).text()).toBe('fast');
    const release = await fetch(`${t.host.url}/api/release`, { method: 'POST' });
    expect(await release.json()).toEqual({ released: 2 });
    expect(t.logger.records.filter((r) => r.message.includes('--max-concurrent-requests'))).toHaveLength(1);
  });
});

describe('a request that arrives too slowly', () => {
  const LIMIT_MS = 400;
  let t: FixtureDevhost;
  beforeAll(async () => {
    t = await startFixtureDevhost('slow-app', { requestTimeoutMs: LIMIT_MS });
  });
  afterAll(() => t.close());

  test('headers that never end get 408 with the JSON body, and the host serves others meanwhile', async () => {
    const slow = sendAndWait(t.host.url, 'GET /api/fast HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(await (await fetch(`${t.host.url}/api/fast`)).text()).toBe('fast');
    const answer = await slow;
    expect(answer.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer.text).toContain('x-devhost-error: REQUEST_TIMEOUT');
    expect(jsonBodyOf(answer)).toMatchObject({ error: { code: 'REQUEST_TIMEOUT' } });
    expect(answer.ms).toBeGreaterThanOrEqual(LIMIT_MS - 50);
    expect(answer.ms).toBeLessThan(LIMIT_MS + 1_500);
  });

  test('a body that stops coming gets 408 with the JSON body and the connection is closed', async () => {
    const answer = await sendAndWait(
      t.host.url,
      'POST /api/release HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a',
    );
    expect(answer.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer.text.toLowerCase()).toContain('connection: close');
    expect(jsonBodyOf(answer)).toEqual({
      error: {
        code: 'REQUEST_TIMEOUT',
        message: expect.stringContaining('3 bytes of the body arrived in time') as unknown,
      },
    });
    expect(answer.ms).toBeLessThan(LIMIT_MS + 1_500);
  });

  test('a connection idle between requests for longer than the limit stays open (keep-alive is 130 s)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = http.get(`${t.host.url}/api/fast`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    try {
      expect(await get()).toEqual({ status: 200, reused: false });
      // Real time on purpose: this is the server's own timer on a real socket.
      await new Promise((resolve) => setTimeout(resolve, LIMIT_MS * 2));
      expect(await get()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });
});
