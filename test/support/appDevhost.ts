import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type DurablePlugin, durablePlugin } from '../../devhost/src/durable/engine/durablePlugin';
import { createMemoryLogger, type Logger } from '../../devhost/src/log/logger';
import { startDevhost, type Devhost, type DevhostPlugin } from '../../devhost/src/startDevhost';
import { nativeProcess } from '../../devhost/src/worker/nativeModules';
import { startTestCosmos, type TestCosmos } from '../unit/src/support/cosmosServer';

/** The repository root, from the sources (jest) or from `dist/test/support` (`npm run fuzz`). */
function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'host.json')) && fs.existsSync(path.join(dir, 'src/functions')))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`No repository root above ${__dirname}.`);
  }
}

export const appDir = repositoryRoot();

export interface HttpOptions {
  body?: unknown;
  /** Sent as is instead of `body` (malformed JSON, oversized text). */
  raw?: string;
  /** `null` sends no key; absent sends the master key. */
  key?: string | null;
}

export interface AppDevhost {
  cosmos: TestCosmos;
  host: Devhost;
  durable: DurablePlugin;
  logger: ReturnType<typeof createMemoryLogger>;
  masterKey: string;
  http(
    method: string,
    route: string,
    options?: HttpOptions,
  ): Promise<{ status: number; text: string; body: Record<string, unknown> }>;
  /** Polls a status link until the instance leaves Pending/Running. */
  settled(statusUrl: string, attempts?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * The compiled app in devhost on a free port with keys enforced (unless told not to), its durable plugin, and Cosmos
 * in-process: the app as a user drives it over HTTP.
 */
export async function startAppDevhost(
  stateDirPrefix: string,
  options: {
    enforceKeys?: boolean;
    /** App settings on top of the Cosmos ones, for as long as the host runs. */
    settings?: Record<string, string>;
    /** More plugins next to the durable one, made once Cosmos is known. */
    plugins?: (cosmos: TestCosmos, logger: Logger) => DevhostPlugin[];
    /** The Cosmos endpoint the app is given (a proxy in front of the test server); default the server. */
    cosmosEndpoint?: (server: string) => Promise<string> | string;
  } = {},
): Promise<AppDevhost> {
  if (!fs.existsSync(path.join(appDir, 'dist/src/functions/startOrder.js'))) {
    throw new Error('The app is not built: run `npm run build` first (npm test does).');
  }
  const cosmos = await startTestCosmos();
  const settings: Record<string, string> = {
    COSMOS_ENDPOINT: options.cosmosEndpoint ? await options.cosmosEndpoint(cosmos.endpoint) : cosmos.endpoint,
    COSMOS_DATABASE: cosmos.database.id,
    COSMOS_KEY: cosmos.key,
    PAYMENT_GATEWAY_LATENCY_MS: '0',
    ...options.settings,
  };
  const env = nativeProcess().env;
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, env[k]]));
  Object.assign(env, settings);
  const logger = createMemoryLogger();
  const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), stateDirPrefix));
  const durable = durablePlugin({ rpcPort: 0 });
  const host = await startDevhost({
    appDir,
    port: 0,
    stateDir,
    enforceKeys: options.enforceKeys ?? true,
    logger,
    banner: false,
    plugins: [durable, ...(options.plugins?.(cosmos, logger) ?? [])],
  });
  const masterKey = host.keys.keys.masterKey;

  const http: AppDevhost['http'] = async (method, route, options = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const useKey = options.key === undefined ? masterKey : options.key;
    if (useKey) headers['x-functions-key'] = useKey;
    const url = route.startsWith('http') ? route : `${host.url}${route}`;
    const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, text, body: parsed as Record<string, unknown> };
  };

  const settled: AppDevhost['settled'] = async (statusUrl, attempts = 1500) => {
    for (let i = 0; i < attempts; i++) {
      const status = await http('GET', statusUrl);
      const runtime = status.body?.runtimeStatus;
      if (status.status === 200 && runtime !== 'Running' && runtime !== 'Pending') return status.body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${statusUrl} did not settle`);
  };

  const stop = async (): Promise<void> => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    await host.stop();
    await cosmos.close();
    await fs.promises.rm(stateDir, { recursive: true, force: true });
  };

  return { cosmos, host, durable, logger, masterKey, http, settled, stop };
}
