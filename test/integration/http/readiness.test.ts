/**
 * The public port before the host is ready and while it stops: requests are held, then refused
 * with 503 + Retry-After, never routed to an app or plugin that is not there yet (404/500); a stop
 * lets running requests finish within the shutdown timeout.
 */
import * as path from 'node:path';
import type { DevhostPlugin, PluginContext } from '../../../devhost/src/startDevhost';
import { fixtures, startFixtureDevhost, type FixtureDevhost } from '../../support/fixtureDevhost';

/** A plugin whose start waits for the test, and which mounts its path only at the end of start. */
function slowStartingPlugin(): {
  plugin: DevhostPlugin;
  origin: Promise<string>;
  finishStart: () => void;
} {
  let finishStart!: () => void;
  const released = new Promise<void>((resolve) => (finishStart = resolve));
  let announce!: (origin: string) => void;
  const origin = new Promise<string>((resolve) => (announce = resolve));
  const plugin: DevhostPlugin = {
    name: 'slow-start',
    triggerTypes: [],
    async start(context: PluginContext) {
      announce(context.origin);
      await released;
      context.mountHttp('/runtime/webhooks/late/', (_req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end('late plugin');
      });
    },
    stop: () => Promise.resolve(),
  };
  return { plugin, origin, finishStart };
}

async function expectRefused(res: Response, code: string, retryAfter: string): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe(retryAfter);
  expect(await res.json()).toEqual({ error: { code, message: expect.any(String) as unknown } });
}

describe('readiness', () => {
  test('before every plugin has started, function routes and plugin paths answer 503 HOST_STARTING after the hold', async () => {
    const { plugin, origin, finishStart } = slowStartingPlugin();
    const starting = startFixtureDevhost('http-app', { plugins: [plugin], readyHoldMs: 20 });
    const base = await origin;
    await expectRefused(await fetch(`${base}/api/hello`), 'HOST_STARTING', '1');
    await expectRefused(await fetch(`${base}/runtime/webhooks/late/x`), 'HOST_STARTING', '1');
    finishStart();
    const t = await starting;
    try {
      expect((await fetch(`${base}/api/hello`)).status).toBe(200);
      expect(await (await fetch(`${base}/runtime/webhooks/late/x`)).text()).toBe('late plugin');
    } finally {
      await t.close();
    }
  });

  test('a request sent while the host starts is held and answered once the host is ready', async () => {
    const { plugin, origin, finishStart } = slowStartingPlugin();
    const starting = startFixtureDevhost('http-app', { plugins: [plugin], readyHoldMs: 60_000 });
    const base = await origin;
    const early = fetch(`${base}/runtime/webhooks/late/x`);
    const earlyFunction = fetch(`${base}/api/hello`);
    finishStart();
    const t = await starting;
    try {
      const res = await early;
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('late plugin');
      expect((await earlyFunction).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('graceful stop', () => {
  const readyApp = path.join(fixtures, 'ready-app');
  let t: FixtureDevhost;

  beforeEach(async () => {
    t = await startFixtureDevhost(readyApp);
  });
  afterEach(() => t.close());

  async function logged(pattern: RegExp): Promise<void> {
    while (!t.logger.records.some((r) => pattern.test(r.message))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const started = () => logged(/^slowly: started$/);

  test('refuses new requests at once with 503 HOST_STOPPING and lets a running one finish', async () => {
    const running = fetch(`${t.host.url}/api/slowly?ms=300`);
    await started();
    const stopping = t.host.stop();
    await expectRefused(await fetch(`${t.host.url}/api/slowly`), 'HOST_STOPPING', '5');
    const res = await running;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('finished');
    await stopping;
  });

  test('stops without a request that outlasts the shutdown timeout', async () => {
    const running = fetch(`${t.host.url}/api/slowly?ms=5000`).catch((error: unknown) => error);
    await started();
    const begun = Date.now();
    await t.host.stop({ timeoutMs: 200 });
    expect(Date.now() - begun).toBeLessThan(4_000);
    expect(
      t.logger.records.some((r) => /1 HTTP request\(s\) still running after 200 ms/.test(r.message)),
    ).toBe(true);
    await running;
    // The function itself runs on in the process (as after a functionTimeout); let it end.
    await logged(/Executed 'Functions\.slowly'/);
  });
});
