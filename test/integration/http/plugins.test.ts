import type { DevhostPlugin, PluginContext } from '../../../devhost/src/startDevhost';
import { startFixtureDevhost } from '../../support/fixtureDevhost';

/** A small trigger server, as the durable engine plugs in: a webhook path and a client input. */
function testPlugin(events: string[]): DevhostPlugin & { context?: PluginContext } {
  const plugin: DevhostPlugin & { context?: PluginContext } = {
    name: 'test-plugin',
    triggerTypes: ['testTrigger'],
    start(context) {
      plugin.context = context;
      events.push('start');
      context.app.registerInputProvider('testClient', (binding, fn, request) => ({
        json: JSON.stringify({ binding: binding.name, function: fn.name, origin: request.origin }),
      }));
      context.mountHttp('/runtime/webhooks/test/', async (req, res, { url, readBody }) => {
        if (!context.keys.check({ systemKey: 'durabletask_extension' }, { headers: req.headers, url })) {
          res.statusCode = 401;
          res.end();
          return;
        }
        const body = await readBody();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: url.pathname, body: body.toString() }));
      });
      return Promise.resolve();
    },
    stop() {
      events.push('stop');
      return Promise.resolve();
    },
  };
  return plugin;
}

describe('plugins', () => {
  test('a plugin gets the app, origin, keys and host.json, and serves a host-owned path', async () => {
    const events: string[] = [];
    const plugin = testPlugin(events);
    const t = await startFixtureDevhost('http-app', { plugins: [plugin], enforceKeys: true });
    try {
      expect(plugin.context?.origin).toBe(t.host.url);
      expect(plugin.context?.hostJson).toMatchObject({ functionTimeout: '00:00:05' });
      expect(plugin.context?.app.functions().some((f) => f.name === 'hello')).toBe(true);
      const webhook = `${t.host.url}/runtime/webhooks/test/instances/1`;
      expect((await fetch(webhook, { method: 'POST', body: 'x' })).status).toBe(401);
      const key = t.host.keys.keys.systemKeys.durabletask_extension!;
      const res = await fetch(`${webhook}?code=${key}`, { method: 'POST', body: 'payload' });
      expect(await res.json()).toEqual({ path: '/runtime/webhooks/test/instances/1', body: 'payload' });
    } finally {
      await t.close();
    }
    expect(events).toEqual(['start', 'stop']);
  });

  test('HTTP invocations fill non-trigger inputs through the registered provider', async () => {
    const t = await startFixtureDevhost('http-app', { plugins: [testPlugin([])] });
    try {
      const res = await fetch(`${t.host.url}/api/withClient`);
      expect(await res.json()).toEqual({ binding: 'client', function: 'withClient', origin: t.host.url });
    } finally {
      await t.close();
    }
  });

  test('without a provider for an input type, the invocation fails with an error naming the binding', async () => {
    const t = await startFixtureDevhost('http-app');
    try {
      expect((await fetch(`${t.host.url}/api/withClient`)).status).toBe(500);
      const failure = t.logger.records.find((r) => r.fields.function === 'withClient');
      expect(failure?.fields.error).toMatch(
        /input binding 'client' of type 'testClient', which devhost cannot fill/,
      );
    } finally {
      await t.close();
    }
  });

  test('functions whose trigger type nothing serves are named in one start-up warning', async () => {
    const without = await startFixtureDevhost('hooks-app');
    const withPlugin = await startFixtureDevhost('hooks-app', { plugins: [testPlugin([])] });
    try {
      const warnings = without.logger.records.filter((r) => r.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(
        /devhost does not serve these trigger types.*echo \(testTrigger\)/,
      );
      expect(withPlugin.logger.records.filter((r) => r.level === 'warn')).toEqual([]);
    } finally {
      await without.close();
      await withPlugin.close();
    }
  });

  test('a plugin that fails to start stops the host and the error reaches the caller', async () => {
    const failing: DevhostPlugin = {
      name: 'broken',
      triggerTypes: [],
      start: () => Promise.reject(new Error('cannot start')),
      stop: () => Promise.resolve(),
    };
    await expect(startFixtureDevhost('http-app', { plugins: [failing] })).rejects.toThrow('cannot start');
  });
});
