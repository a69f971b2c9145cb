import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { durablePlugin, type DurablePlugin } from '../../devhost/src/durable/engine/durablePlugin';
import { outboxPlugin } from '../../devhost/src/emulators/outbox/outboxPlugin';
import { createMemoryLogger } from '../../devhost/src/log/logger';
import { startDevhost, type Devhost } from '../../devhost/src/startDevhost';
import { startTestCosmos, type TestCosmos } from '../unit/src/support/cosmosServer';
import { launchBrowser, type Browser } from './browser';

const fixture = path.resolve(__dirname, '../fixtures/durable-app');
const repoModules = path.resolve(__dirname, '../../node_modules');

/**
 * A page on another origin (a second server on 127.0.0.1, another port) tries devhost's local
 * surfaces with everything a page can send without devhost's consent. devhost runs as `npm start`
 * does locally (no keys) and its app even allows every origin (`Host.CORS: "*"`): the page still
 * reads nothing and changes nothing.
 */
describe('devhost against a web page from another origin', () => {
  let cosmos: TestCosmos;
  let appDir: string;
  let host: Devhost;
  let durable: DurablePlugin;
  let evil: http.Server;
  let browser: Browser;

  beforeAll(async () => {
    cosmos = await startTestCosmos();
    await cosmos.database.containers.createIfNotExists({ id: 'outbox', partitionKey: '/id' });
    await cosmos.database.container('outbox').items.create({
      id: 'approval-secret',
      subject: 'New laptop',
      link: 'http://127.0.0.1:7071/api/approvals/approval-secret/response?token=one-time-secret',
    });
    // The fixture app with a wildcard CORS setting, its modules reached through a link.
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cors-app-'));
    for (const file of ['host.json', 'package.json', 'index.js'])
      fs.copyFileSync(path.join(fixture, file), path.join(appDir, file));
    fs.symlinkSync(repoModules, path.join(appDir, 'node_modules'), 'dir');
    fs.writeFileSync(
      path.join(appDir, 'local.settings.json'),
      JSON.stringify({ Values: {}, Host: { CORS: '*' } }),
    );
    const logger = createMemoryLogger();
    durable = durablePlugin({ rpcPort: 0 });
    host = await startDevhost({
      appDir,
      port: 0,
      stateDir: path.join(appDir, '.devhost'),
      banner: false,
      logger,
      plugins: [
        durable,
        outboxPlugin(
          { endpoint: cosmos.endpoint, key: cosmos.key, database: cosmos.database.id, container: 'outbox' },
          logger,
          {
            watch: false,
          },
        ),
      ],
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
    await host?.stop();
    await cosmos?.close();
    if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
  });

  async function webhook(method: string, route: string, body?: unknown) {
    const response = await fetch(`${host.url}/runtime/webhooks/durabletask/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.text()) || null };
  }

  it('cannot read the outbox, nor make the RPC listener, a webhook or the dashboard API act', async () => {
    expect((await webhook('POST', 'orchestrators/WaitForEvent/victim', 1)).status).toBe(202);
    expect((await webhook('POST', 'orchestrators/Sequence/finished', ['x'])).status).toBe(202);
    for (
      let i = 0;
      i < 200 &&
      JSON.parse((await webhook('GET', 'instances/finished')).body ?? '{}').runtimeStatus !== 'Completed';
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // From curl (no page, no Origin) the outbox answers as before.
    expect((await fetch(`${host.url}/_devhost/outbox`)).status).toBe(200);

    const rpc = durable.api!.api.rpcBaseUrl;
    const page = `<!doctype html><script>
      const base = ${JSON.stringify(host.url)}, rpc = ${JSON.stringify(rpc)};
      const results = {};
      async function attempt(name, run) {
        try { results[name] = await run(); } catch (error) { results[name] = 'blocked: ' + error.message; }
      }
      (async () => {
        await attempt('readOutbox', async () => (await fetch(base + '/_devhost/outbox')).text());
        await attempt('readOutboxOpaque', async () => {
          const r = await fetch(base + '/_devhost/outbox', { mode: 'no-cors' });
          return r.type + ':' + (await r.text()).length;
        });
        await attempt('readDashboardApi', async () => (await fetch(base + '/_devhost/api/instances')).text());
        await attempt('rpcStart', async () => (await fetch(rpc + 'orchestrators/Sequence/evil-start', {
          method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '["x"]' })).type);
        await attempt('rpcTerminate', async () => (await fetch(rpc + 'instances/victim/terminate', { method: 'POST', mode: 'no-cors' })).type);
        await attempt('webhookTerminate', async () => (await fetch(base + '/runtime/webhooks/durabletask/instances/victim/terminate?reason=evil', {
          method: 'POST', mode: 'no-cors' })).type);
        await attempt('webhookStart', async () => (await fetch(base + '/runtime/webhooks/durabletask/orchestrators/Sequence/evil-webhook', {
          method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '["x"]' })).type);
        await attempt('webhookPurge', async () => (await fetch(base + '/runtime/webhooks/durabletask/instances/finished', { method: 'DELETE' })).status);
        await attempt('dashboardBulkTerminate', async () => (await fetch(base + '/_devhost/api/instances/terminate', {
          method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"filter":{}}' })).type);
        await attempt('dashboardBulkPurge', async () => (await fetch(base + '/_devhost/api/instances/purge', {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"filter":{}}' })).status);
        window.results = results;
      })();
    </script>`;
    evil = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(page);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    expect(evilOrigin).not.toBe(host.url);

    await browser.page.goto(evilOrigin);
    const results = (await (
      await browser.page.waitForFunction(
        () => (window as unknown as { results?: unknown }).results,
        undefined,
        { timeout: 30_000 },
      )
    ).jsonValue()) as Record<string, string>;

    // Reads fail or come back empty: the secret link never reaches the page.
    expect(results.readOutbox).toMatch(/^blocked/);
    expect(results.readOutboxOpaque).toBe('opaque:0');
    expect(results.readDashboardApi).toMatch(/^blocked/);
    expect(JSON.stringify(results)).not.toContain('one-time-secret');
    // JSON posts and DELETE need a preflight, which devhost never grants here.
    expect(results.webhookPurge).toMatch(/^blocked/);
    expect(results.dashboardBulkPurge).toMatch(/^blocked/);

    // And nothing changed.
    expect((await webhook('GET', 'instances/evil-start')).status).toBe(404);
    expect((await webhook('GET', 'instances/evil-webhook')).status).toBe(404);
    expect(JSON.parse((await webhook('GET', 'instances/victim')).body!)).toMatchObject({
      runtimeStatus: 'Running',
    });
    expect(JSON.parse((await webhook('GET', 'instances/finished')).body!)).toMatchObject({
      runtimeStatus: 'Completed',
    });
  }, 120_000);
});
