import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('durable engine: callHttp', () => {
  let host: TestHost;
  let server: http.Server;
  let url: string;
  beforeEach(async () => {
    host = await startFixtureHost();
    server = http.createServer((req, res) => {
      if (req.url === '/slow') {
        res.writeHead(202, { location: `${url.replace('/ping', '/slow-done')}`, 'retry-after': '5' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'x-seen-path': req.url ?? '' });
      res.end(`pong ${req.method} ${req.url ?? ''}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping`;
  });
  afterEach(async () => {
    await host.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('performs the request for real and hands back the DurableHttpResponse', async () => {
    const id = await host.start('CallsHttp', { instanceId: uniqueId('http'), input: url });
    const status = await host.waitForStatus(id, 'Completed', { timeoutMs: 5000 });
    expect(status.output).toEqual({ statusCode: 200, content: 'pong GET /ping' });
  });

  it('polls a 202 answer at its Location after Retry-After, on the virtual clock', async () => {
    const id = await host.start('CallsHttp', {
      instanceId: uniqueId('poll'),
      input: url.replace('/ping', '/slow'),
    });
    await host.runUntilIdle();
    expect((await host.client.getStatus(id))?.runtimeStatus).toBe('Running');
    await host.clock.advance('5s');
    const status = await host.waitForStatus(id, 'Completed', { timeoutMs: 5000 });
    expect(status.output).toEqual({ statusCode: 200, content: 'pong GET /slow-done' });
  });
});

describe('durable engine: test hosts side by side', () => {
  it('keeps clocks, overrides and instances apart', async () => {
    const [a, b] = await Promise.all([
      startFixtureHost(),
      startFixtureHost({ startAt: '2031-06-01T00:00:00Z' }),
    ]);
    try {
      a.overrideActivity('Hello', (name: string) => `fake ${name}`);
      const id = uniqueId('shared-id');
      await a.start('Sequence', { instanceId: id, input: ['A'] });
      await b.start('Sequence', { instanceId: id, input: ['B'] });
      await a.clock.advance('1h');
      expect((await a.waitForStatus(id, 'Completed')).output).toEqual(['fake A']);
      expect((await b.waitForStatus(id, 'Completed')).output).toEqual(['Hello B!']);
      expect(a.clock.now()).toBe(Date.parse('2030-01-01T01:00:00Z'));
      expect(b.clock.now()).toBe(Date.parse('2031-06-01T00:00:00Z'));
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('names the known activities when an override targets one the app lacks', async () => {
    const host = await startFixtureHost();
    try {
      expect(() => host.overrideActivity('Helo', () => 'x')).toThrow(/no activity 'Helo'.*Hello/);
    } finally {
      await host.stop();
    }
  });
});

/** The shape of the fixture's real `Double` handler, as an app's typed handler would give it. */
type RealDouble = (n: number) => number;

describe('durable engine: leases under virtual time', () => {
  it('renews the lease of a running activity while time moves past it, so each call runs once', async () => {
    const host = await startFixtureHost();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    try {
      let calls = 0;
      host.overrideActivity<RealDouble>('Double', async (n) => {
        calls += 1;
        await gate;
        return n * 3;
      });
      const id = await host.start('FanOut', { instanceId: uniqueId('lease'), input: 2 });
      while (calls < 2) await new Promise((resolve) => setImmediate(resolve));
      // Both activities are still running while time moves 1 h, twelve times their 5-minute lock:
      // without renewal the store would hand each work item out again.
      await host.clock.advance('1h', { settle: false });
      expect(calls).toBe(2);
      release();
      expect((await host.waitForStatus(id, 'Completed')).output).toBe(3);
      expect(calls).toBe(2);
    } finally {
      // Stopping waits for running activities.
      release();
      await host.stop();
    }
  });
});
