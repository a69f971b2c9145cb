import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  mountDurableHttpApi,
  type DurableApiHostContext,
} from '../../../devhost/durable/client/mountDurableHttpApi';
import type { InputBindingProvider } from '../../../devhost/worker/types';
import { VirtualClock } from '../../../devhost/durable/scheduler/VirtualClock';
import { FakeDurableOperations } from '../../support/fakeDurableOperations';
import { call } from './harness';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A stand-in for devhost's plugin context: a public server with prefix mounts, keys, providers. */
async function hostContext(enforced: boolean) {
  const mounts = new Map<string, Handler>();
  const providers = new Map<string, InputBindingProvider>();
  const server = createServer((req, res) => {
    const entry = [...mounts].find(([prefix]) => (req.url ?? '').toLowerCase().startsWith(prefix));
    if (entry) void entry[1](req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context: DurableApiHostContext = {
    origin,
    app: {
      registerInputProvider: (type, provider) => {
        providers.set(type, provider);
        return { dispose: () => providers.delete(type) };
      },
    },
    keys: { enforced, keys: { masterKey: 'mk', systemKeys: { durabletask_extension: 'dk' } } },
    mountHttp: (prefix, handler) => {
      mounts.set(prefix.toLowerCase(), handler);
      return { dispose: () => mounts.delete(prefix.toLowerCase()) };
    },
  };
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { context, mounts, providers, origin, close };
}

describe('mountDurableHttpApi', () => {
  it('mounts the webhooks, registers the client input under both names, and undoes it all on close', async () => {
    const host = await hostContext(false);
    const fake = new FakeDurableOperations();
    fake.addInstance('m1', 'Completed');
    const mounted = await mountDurableHttpApi(host.context, {
      operations: fake,
      clock: new VirtualClock(),
      rpcPort: 0,
    });
    try {
      expect([...host.mounts.keys()]).toEqual(['/runtime/webhooks/durabletask/']);
      expect([...host.providers.keys()]).toEqual(['durableClient', 'orchestrationClient']);
      expect((await call('GET', `${host.origin}/runtime/webhooks/durabletask/instances/m1`)).status).toBe(
        200,
      );
      expect(mounted.api.payload().baseUrl).toBe(`${host.origin}/runtime/webhooks/durabletask`);
      expect(mounted.api.payload().requiredQueryStringParameters).toBe('');
    } finally {
      await mounted.close();
      await host.close();
    }
    expect(host.mounts.size).toBe(0);
    expect(host.providers.size).toBe(0);
  });

  it('applies the host keys when they are enforced', async () => {
    const host = await hostContext(true);
    const fake = new FakeDurableOperations();
    fake.addInstance('m2', 'Completed');
    const mounted = await mountDurableHttpApi(host.context, {
      operations: fake,
      clock: new VirtualClock(),
      rpcPort: 0,
    });
    try {
      const url = `${host.origin}/runtime/webhooks/durabletask/instances/m2`;
      expect((await call('GET', url)).status).toBe(401);
      expect((await call('GET', `${url}?code=dk`)).status).toBe(200);
      expect((await call('GET', url, { headers: { 'x-functions-key': 'mk' } })).status).toBe(200);
      expect(mounted.api.payload().requiredQueryStringParameters).toBe('code=dk');
    } finally {
      await mounted.close();
      await host.close();
    }
  });
});
