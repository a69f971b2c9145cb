/**
 * The one place that wires devhost together: configuration, keys, the public HTTP server, the
 * function app (worker seam), and the plugins that serve other triggers (durable, timers,
 * emulators). Each step pushes how to undo it on a teardown stack, so `stop()` is the start
 * sequence backwards; requests are held (then 503) until the last step opened the gate.
 */
import * as path from 'node:path';
import { readHostJson, type HostJson } from './config/hostJson';
import { applyAppSettings, readLocalSettings } from './config/localSettings';
import type { StackFlags } from './emulators/cliArgs';
import { startLocalStack, type LocalStack } from './emulators/localStack';
import { AppSlot } from './host/appSlot';
import { printBanner, warnAboutUnservedTriggers } from './host/banner';
import { boundedBy, TeardownStack } from './host/teardown';
import { createAdminApi } from './http/adminApi';
import { createDashboardAssets, DASHBOARD_PATH } from './http/dashboardAssets';
import { createFunctionsHandler, defaultHttpFunctionTimeoutMs } from './http/functionsHandler';
import { createKeyChecker, type KeyChecker } from './http/keys';
import { defaultStateDir, loadOrCreateKeys } from './http/keyStore';
import { defaultMaxRequestBodyBytes, startPublicServer } from './http/publicServer';
import { Readiness } from './http/readiness';
import { defaultRequestLimits } from './http/requestLimits';
import { createLogger, type Logger } from './log/logger';
import { hasBuildScript, watchApp } from './worker/appWatcher';
import { readAppPackage } from './worker/appLoader';
import { describeError } from './worker/functionApp';
import { nativeProcess } from './worker/nativeModules';
import { guardProcess } from './worker/processGuards';
import type { Clock } from './clock/clock';
import { RealClock } from './clock/realClock';
import { TimerTriggerServer } from './timers/timerTriggerServer';
import type { FunctionAppHandle } from './worker/types';
import type { DevhostPlugin, PluginContext } from './plugins/types';

export type { DevhostPlugin, PluginContext } from './plugins/types';

/** How long a stop lets running work finish before handing it back (`--shutdown-timeout`). */
const defaultShutdownTimeoutMs = 10_000;

export interface DevhostOptions {
  /** The function app folder (host.json, package.json). Default: the current directory. */
  appDir?: string;
  /** Default: local.settings.json `Host.LocalHttpPort`, else 7071. `0` picks a free port. */
  port?: number;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Check keys as Azure does. Default false, like `func start`. */
  enforceKeys?: boolean;
  /** Default 100 MB, as on Azure. */
  maxRequestBodyBytes?: number;
  /**
   * App settings over local.settings.json `Values` (e.g. `AzureWebJobs.<name>.Disabled` in a test
   * host); as with those, variables already set in the environment win. Removed again on stop.
   */
  appSettings?: Record<string, string>;
  /** Where devhost keeps state (keys.json). Default `<appDir>/.devhost`. */
  stateDir?: string;
  /** Overrides host.json functionTimeout; `null` = no limit. */
  functionTimeoutMs?: number | null;
  /**
   * How long an HTTP function may take to answer before the client gets 504 and the host serves on
   * (default 230 s, where Azure's front end cuts HTTP requests whatever functionTimeout says);
   * `null` = no limit. The invocation is not stopped by it (functionTimeout still applies).
   */
  httpFunctionTimeoutMs?: number | null;
  /**
   * Requests served at once (default 200); past it a request gets 503 `HOST_BUSY` with
   * `Retry-After`, and open connections are capped at four times as many (at least 1,000).
   */
  maxConcurrentRequests?: number;
  /** How long a client may take to send a request, headers and body (default 30 s); then 408. */
  requestTimeoutMs?: number;
  /** Rebuild and reload the app when its files change. */
  watch?: boolean;
  logger?: Logger;
  /** Print the start-up banner (functions and their URLs). Default true. */
  banner?: boolean;
  /** Trigger servers and services to run with the app, started in order. */
  plugins?: DevhostPlugin[];
  /** The clock every plugin runs on (timers, the durable engine); default real time. Tests pass a virtual clock. */
  clock?: Clock;
  /** Local services to start with the app (`--emulators azurite,cosmos`). */
  emulators?: string[];
  /** Ports, in-memory mode, seed module, outbox viewer and lifetime of those services. */
  localStack?: Partial<StackFlags>;
  /**
   * How long `stop()` lets running HTTP requests, invocations and durable work items finish
   * (default 10 s); what still runs then is handed back to its queue. Also bounds how long a
   * `--watch` reload waits for invocations on the old app.
   */
  shutdownTimeoutMs?: number;
  /** How long a request that arrives before the host is ready waits before it gets 503 (default 5 s). */
  readyHoldMs?: number;
}

export interface Devhost {
  /** Public origin, e.g. `http://127.0.0.1:7071`. */
  readonly url: string;
  readonly port: number;
  /** The loaded app (forwards to the current one after a `--watch` reload). */
  readonly app: FunctionAppHandle;
  readonly keys: KeyChecker;
  readonly hostJson: HostJson;
  readonly appDir: string;
  /** devhost's state folder (keys.json; plugins may keep their state here too). */
  readonly stateDir: string;
  /** Reloads the function app, keeping the host (keys, plugins, their state). */
  reload(): Promise<void>;
  /**
   * Refuses new requests (503), stops taking durable work, lets what runs finish within the
   * shutdown timeout (default: the host's), hands back the rest, then stops plugins, runs the
   * appTerminate hooks and closes the listeners. Safe to call twice.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export async function startDevhost(options: DevhostOptions = {}): Promise<Devhost> {
  const logger = options.logger ?? createLogger();
  const appDir = path.resolve(options.appDir ?? process.cwd());
  const env = nativeProcess().env;
  // One clock for the whole host, so timer triggers and durable timers agree on what time it is.
  const clock = options.clock ?? new RealClock();
  const plugins = withBuiltInPlugins(options.plugins ?? []);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? defaultShutdownTimeoutMs;

  // Configuration first: a broken host.json or local.settings.json fails before anything starts.
  const appPackage = readAppPackage(appDir);
  const hostJson = readHostJson(appDir);
  const localSettings = readLocalSettings(appDir);
  const stateDir = path.resolve(options.stateDir ?? defaultStateDir(appDir));
  const { keys: hostKeys, file: keyFile } = loadOrCreateKeys(stateDir);
  const keys = createKeyChecker(hostKeys, keyFile, options.enforceKeys ?? false);
  const maxRequestBodyBytes = options.maxRequestBodyBytes ?? defaultMaxRequestBodyBytes;
  const httpFunctionTimeoutMs =
    options.httpFunctionTimeoutMs === undefined
      ? defaultHttpFunctionTimeoutMs
      : options.httpFunctionTimeoutMs;

  const teardown = new TeardownStack(logger);
  const readiness = new Readiness(options.readyHoldMs);
  const started: DevhostPlugin[] = [];
  const slot = new AppSlot({
    appDir,
    logger,
    routePrefix: hostJson.routePrefix,
    functionTimeoutMs:
      options.functionTimeoutMs === undefined
        ? hostJson.functionTimeoutMs
        : (options.functionTimeoutMs ?? undefined),
    drainMs: shutdownTimeoutMs,
  });

  let stopping: Promise<void> | undefined;
  const stop = (stopOptions: { timeoutMs?: number } = {}): Promise<void> =>
    (stopping ??= shutDown(stopOptions.timeoutMs ?? shutdownTimeoutMs));
  async function shutDown(timeoutMs: number): Promise<void> {
    readiness.markStopping();
    const deadline = Date.now() + timeoutMs;
    for (const plugin of started) plugin.stopTakingWork?.();
    if (!(await readiness.whenIdle(deadline))) {
      logger.warn(`Stopping with ${readiness.inFlight} HTTP request(s) still running after ${timeoutMs} ms.`);
    }
    await teardown.unwind({ deadline });
  }

  let server;
  try {
    teardown.push(
      'the process guards',
      guardProcess((error, kind) =>
        logger.error(`${kind} outside any invocation: ${error.message}`, { stack: describeError(error) }),
      ),
    );
    // Settings go into the process as func puts them there, and come out again on stop, so hosts
    // started one after another in one process (jest workers) do not see each other's settings.
    teardown.push(
      'the app settings',
      applyAppSettings(
        { AZURE_FUNCTIONS_ENVIRONMENT: 'Development', ...localSettings.values, ...options.appSettings },
        env,
      ),
    );
    // Before the app loads: it reads COSMOS_ENDPOINT and AzureWebJobsStorage from its settings.
    let localStack: LocalStack | undefined;
    if (options.emulators?.length) {
      const stack = await startLocalStack({
        appDir,
        stateDir,
        emulators: options.emulators,
        flags: options.localStack,
        env,
        logger: logger.child({ source: 'emulators' }),
      });
      localStack = stack;
      teardown.push('the local stack', () => stack.close());
    }
    // Listening early claims the port (and learns it, for --port 0), but the readiness gate holds
    // every request until the app is loaded and every plugin has started.
    const publicServer = await startPublicServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? localSettings.localHttpPort ?? 7071,
      maxRequestBodyBytes,
      limits: {
        maxConcurrentRequests: options.maxConcurrentRequests ?? defaultRequestLimits.maxConcurrentRequests,
        requestTimeoutMs: options.requestTimeoutMs ?? defaultRequestLimits.requestTimeoutMs,
      },
      cors: { origins: localSettings.cors, credentials: localSettings.corsCredentials },
      logger,
      readiness,
      fallback: createFunctionsHandler({
        state: () => slot.state(),
        keys,
        logger,
        env,
        ...(httpFunctionTimeoutMs !== null ? { httpFunctionTimeoutMs } : {}),
      }),
    });
    server = publicServer;
    teardown.push('the public server', () => publicServer.close());
    teardown.push('WEBSITE_HOSTNAME', announceHostname(env, publicServer.origin));

    await slot.load();
    teardown.push('the function app', () => slot.terminate());
    publicServer.mount('/admin/', createAdminApi({ app: slot.handle, keys }));
    publicServer.mount(DASHBOARD_PATH, createDashboardAssets());
    slot.onReloaded(() => warnAboutUnservedTriggers(slot.app, plugins, logger));

    const context = pluginContext(slot, publicServer, {
      appDir,
      stateDir,
      hostJson: hostJson.raw,
      env,
      keys,
      logger,
      clock,
      maxRequestBodyBytes,
    });
    for (const plugin of [...plugins, ...(localStack?.plugins ?? [])]) {
      await plugin.start({ ...context, logger: logger.child({ source: plugin.name }) });
      started.push(plugin);
      teardown.push(`plugin ${plugin.name}`, (shutdown) =>
        boundedBy(plugin.stop(shutdown), shutdown.deadline, () =>
          logger.warn(`Plugin ${plugin.name} did not stop in time; exiting without waiting for it.`),
        ),
      );
    }
    warnAboutUnservedTriggers(slot.app, plugins, logger);

    readiness.markRunning();
    if (options.banner !== false) printBanner(slot.app, slot.routes, publicServer.origin, keys, logger, env);
    if (options.watch) {
      const watcher = watchApp({
        appDir,
        main: appPackage.main,
        hasBuildScript: hasBuildScript(appDir),
        logger,
        reload: () => slot.reload(),
      });
      teardown.push('the app watcher', () => watcher.close());
      logger.info(`Watching ${appDir} for changes.`);
    }
  } catch (err) {
    readiness.markStopping();
    await teardown.unwind({ deadline: Date.now() });
    throw err;
  }

  return {
    url: server.origin,
    port: server.port,
    app: slot.handle,
    keys,
    hostJson,
    appDir,
    stateDir,
    reload: () => slot.reload(),
    stop,
  };
}

function pluginContext(
  slot: AppSlot,
  server: { origin: string; mount: PluginContext['mountHttp'] },
  rest: Omit<PluginContext, 'app' | 'origin' | 'mountHttp' | 'onAppReloaded' | 'onAppReloading'>,
): PluginContext {
  return {
    ...rest,
    app: slot.handle,
    origin: server.origin,
    mountHttp: (prefix, handler) => server.mount(prefix, handler),
    onAppReloaded: (listener) => slot.onReloaded(listener),
    onAppReloading: (listener) => slot.onReloading(listener),
  };
}

/**
 * durable-functions rewrites URLs to localhost:7071 unless the app knows where it is served, as
 * `WEBSITE_HOSTNAME` says; set it unless the environment already does. Returns the undo.
 */
function announceHostname(env: NodeJS.ProcessEnv, origin: string): () => void {
  if (env.WEBSITE_HOSTNAME !== undefined) return () => undefined;
  const authority = origin.replace(/^https?:\/\//, '');
  env.WEBSITE_HOSTNAME = authority;
  return () => {
    if (env.WEBSITE_HOSTNAME === authority) delete env.WEBSITE_HOSTNAME;
  };
}

/** Timer triggers are served (on the context's clock) unless the caller brings its own timer plugin. */
function withBuiltInPlugins(plugins: readonly DevhostPlugin[]): DevhostPlugin[] {
  const servesTimers = plugins.some((p) => p.triggerTypes.some((t) => t.toLowerCase() === 'timertrigger'));
  return servesTimers ? [...plugins] : [...plugins, new TimerTriggerServer()];
}
