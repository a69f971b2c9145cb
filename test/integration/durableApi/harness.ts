/**
 * Starts the Durable HTTP API over real HTTP for tests: devhost's public server on 127.0.0.1 port 0
 * with the webhooks mounted as the durable plugin mounts them (`mountDurableHttpApi`: the host's
 * key checker and body limit), and the loopback RPC listener on a free port, both backed by the
 * HTTP layer's test double.
 */
import type { DurableHttpApi } from '../../../devhost/src/durable/client/durableHttpApi';
import {
  mountDurableHttpApi,
  type MountedDurableHttpApi,
} from '../../../devhost/src/durable/client/mountDurableHttpApi';
import { VirtualClock } from '../../../devhost/src/clock/virtualClock';
import { createKeyChecker } from '../../../devhost/src/http/keys';
import { defaultMaxRequestBodyBytes, startPublicServer } from '../../../devhost/src/http/publicServer';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
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

export async function startApiHarness(
  options: { keys?: HarnessKeys; maxRequestBodyBytes?: number } = {},
): Promise<ApiHarness> {
  const fake = new FakeDurableOperations();
  fake.orchestrators.add('hello');
  const clock = new VirtualClock(Date.UTC(2024, 0, 1));
  const logs: string[] = [];
  const logger = createMemoryLogger();
  const maxRequestBodyBytes = options.maxRequestBodyBytes ?? defaultMaxRequestBodyBytes;
  const server = await startPublicServer({
    host: '127.0.0.1',
    port: 0,
    maxRequestBodyBytes,
    cors: { origins: [], credentials: false },
    logger,
    fallback: (req, res) => {
      req.resume();
      res.writeHead(404).end();
    },
  });
  const keys = createKeyChecker(
    {
      masterKey: options.keys?.masterKey ?? 'master-key',
      functionKeys: { default: 'function-key' },
      systemKeys: { durabletask_extension: options.keys?.systemKey ?? 'system-key' },
    },
    'keys.json',
    options.keys !== undefined,
  );
  let mounted: MountedDurableHttpApi;
  try {
    mounted = await mountDurableHttpApi(
      {
        origin: server.origin,
        keys,
        logger,
        maxRequestBodyBytes,
        mountHttp: (prefix, handler) => server.mount(prefix, handler),
        app: { registerInputProvider: () => ({ dispose: () => undefined }) },
      },
      { operations: fake, clock, log: (message) => logs.push(message), rpcPort: 0 },
    );
  } catch (error) {
    await server.close();
    throw error;
  }
  const started = mounted;
  return {
    fake,
    clock,
    api: started.api,
    origin: server.origin,
    publicBase: `${server.origin}/runtime/webhooks/durabletask/`,
    rpcBase: started.api.rpcBaseUrl,
    logs,
    close: async () => {
      await started.close();
      await server.close();
    },
  };
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
  // A body is JSON unless a test says otherwise, as the SDK sends it (fetch would say text/plain).
  const contentType = init.contentType ?? (init.body !== undefined ? 'application/json' : undefined);
  if (contentType) headers['content-type'] = contentType;
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
