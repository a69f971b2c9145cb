/**
 * Starts the Durable HTTP API over real HTTP for tests: a public server on 127.0.0.1 port 0 that
 * mounts the webhook handler as the host does, and the loopback RPC listener on a free port, both
 * backed by the HTTP layer's test double.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDurableHttpApi,
  isDurableWebhookPath,
  type DurableHttpApi,
} from '../../../devhost/durable/client/durableHttpApi';
import { isAuthorized, keyFromRequest } from '../../../devhost/http/keys';
import { VirtualClock } from '../../../devhost/durable/scheduler/VirtualClock';
import { FakeDurableOperations } from '../../support/fakeDurableOperations';

export interface ApiHarness {
  fake: FakeDurableOperations;
  clock: VirtualClock;
  api: DurableHttpApi;
  origin: string;
  /** `<origin>/runtime/webhooks/durabletask/` */
  publicBase: string;
  rpcBase: string;
  logs: string[];
  close(): Promise<void>;
}

/** Enforced webhook keys: the `durabletask_extension` system key and the master key. */
export interface HarnessKeys {
  systemKey: string;
  masterKey: string;
}

export async function startApiHarness(options: { keys?: HarnessKeys } = {}): Promise<ApiHarness> {
  const fake = new FakeDurableOperations();
  fake.orchestrators.add('hello');
  const clock = new VirtualClock(Date.UTC(2024, 0, 1));
  const logs: string[] = [];
  // The public server exists before the API does: the API needs the server's port for its origin.
  const mounted: { api?: DurableHttpApi } = {};
  const server = createServer((req, res) => {
    if (mounted.api && isDurableWebhookPath(req.url)) {
      void mounted.api.handlePublic(req, res);
    } else {
      res.writeHead(404).end();
    }
  });
  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;
  const started = await createDurableHttpApi({
    operations: fake,
    clock,
    origin,
    ...(options.keys ? enforced(options.keys) : {}),
    log: (message) => logs.push(message),
    rpcPort: 0,
  });
  mounted.api = started;
  return {
    fake,
    clock,
    api: started,
    origin,
    publicBase: `${origin}/runtime/webhooks/durabletask/`,
    rpcBase: started.rpcBaseUrl,
    logs,
    close: async () => {
      await started.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The host's own key rule, as devhost applies it to the durable webhooks. */
function enforced(keys: HarnessKeys) {
  const hostKeys = {
    masterKey: keys.masterKey,
    functionKeys: { default: 'function-key' },
    systemKeys: { durabletask_extension: keys.systemKey },
  };
  return {
    systemKey: keys.systemKey,
    authorize: (request: { headers: Record<string, string | string[] | undefined>; url: URL }) =>
      isAuthorized(
        hostKeys,
        { systemKey: 'durabletask_extension' },
        keyFromRequest(request.headers, request.url),
      ),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

export async function call(
  method: string,
  url: string,
  init: { body?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.contentType) headers['content-type'] = init.contentType;
  const response = await fetch(url, { method, headers, body: init.body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

/** Lets in-flight requests reach their next clock wait (no real time passes for timers). */
export async function untilTimerPending(clock: VirtualClock): Promise<void> {
  for (let turn = 0; turn < 1000 && clock.nextScheduledAt() === undefined; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (clock.nextScheduledAt() === undefined) throw new Error('no request is waiting on the clock');
}
