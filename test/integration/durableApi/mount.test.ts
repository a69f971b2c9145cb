import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  mountDurableHttpApi,
  type MountedDurableHttpApi,
} from '../../../devhost/src/durable/client/mountDurableHttpApi';
import type { DurableEngine } from '../../../devhost/src/durable/engine/durableEngine';
import { createDurableEngine } from '../../../devhost/src/durable/engine/createEngine';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { startDevhost, type Devhost, type DevhostPlugin } from '../../../devhost/src/startDevhost';
import { call } from './harness';

const starterApp = path.resolve(__dirname, 'fixtures/starter-app');

/**
 * A durable plugin as small as it gets — the engine on the app plus `mountDurableHttpApi` — so the
 * test runs the whole stack: devhost's public server and keys, the app's HTTP starter calling
 * `df.getClient`, the RPC listener, the engine, and the webhook links a user would curl.
 */
function testDurablePlugin(): DevhostPlugin & { mounted?: MountedDurableHttpApi } {
  let engine: DurableEngine | undefined;
  const plugin: DevhostPlugin & { mounted?: MountedDurableHttpApi } = {
    name: 'durable (test)',
    triggerTypes: ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'],
    async start(context) {
      const clock = new RealClock();
      engine = createDurableEngine({
        app: context.app,
        hostJson: context.hostJson,
        env: context.env,
        clock,
        log: context.logger,
      });
      engine.start();
      plugin.mounted = await mountDurableHttpApi(context, {
        operations: engine.operations,
        clock,
        rpcPort: 0,
      });
    },
    async stop() {
      await plugin.mounted?.close();
      await engine?.stop();
    },
  };
  return plugin;
}

async function startStack(enforceKeys: boolean) {
  const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-durable-api-'));
  const plugin = testDurablePlugin();
  const host: Devhost = await startDevhost({
    appDir: starterApp,
    port: 0,
    stateDir,
    enforceKeys,
    logger: createMemoryLogger(),
    banner: false,
    plugins: [plugin],
  });
  return {
    host,
    plugin,
    close: async () => {
      await host.stop();
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    },
  };
}

describe('mountDurableHttpApi in a running devhost', () => {
  it('lets an HTTP starter start an orchestration and hand out links that work', async () => {
    const stack = await startStack(false);
    try {
      const started = await call('POST', `${stack.host.url}/api/orchestrators/HelloSequence`, {
        body: '"Lisbon"',
        contentType: 'application/json',
      });
      expect(started.status).toBe(202);
      const links = started.json() as { id: string; statusQueryGetUri: string };
      expect(links.statusQueryGetUri).toBe(
        `${stack.host.url}/runtime/webhooks/durabletask/instances/${links.id}?taskHub=TestHubName&connection=Storage`,
      );
      const waited = await call('POST', `${stack.host.url}/api/run`, { body: '"Porto"' });
      expect(waited.status).toBe(200);
      expect(waited.json()).toBe('Hello Porto!');
      // Its status link answers (202 while running, 200 once done) with the instance it started.
      const status = await call('GET', links.statusQueryGetUri);
      expect(status.json()).toMatchObject({ instanceId: links.id, input: 'Lisbon' });
      expect(stack.plugin.mounted!.api.rpcBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/durabletask\/$/);
    } finally {
      await stack.close();
    }
  });

  it('guards the webhooks with the host keys when they are enforced, and puts the system key in links', async () => {
    const stack = await startStack(true);
    try {
      const systemKey = stack.host.keys.keys.systemKeys.durabletask_extension!;
      const started = await call('POST', `${stack.host.url}/api/orchestrators/HelloSequence`, {
        body: '"Faro"',
      });
      const links = started.json() as { statusQueryGetUri: string };
      expect(links.statusQueryGetUri).toContain(`&code=${encodeURIComponent(systemKey)}`);
      expect([200, 202]).toContain((await call('GET', links.statusQueryGetUri)).status);
      const bare = links.statusQueryGetUri.replace(/&code=.*$/, '');
      expect((await call('GET', bare)).status).toBe(401);
      const master = await call('GET', bare, {
        headers: { 'x-functions-key': stack.host.keys.keys.masterKey },
      });
      expect([200, 202]).toContain(master.status);
    } finally {
      await stack.close();
    }
  });
});
