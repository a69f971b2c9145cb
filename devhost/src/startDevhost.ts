/**
 * The one place that wires devhost together: configuration, keys, the public HTTP server, the
 * function app (worker seam), and the plugins that serve other triggers (durable, timers,
 * emulators). Everything else is a module with one job.
 */
import * as path from 'node:path';
import { readHostJson, type HostJson } from './config/hostJson';
import { applyAppSettings, readLocalSettings } from './config/localSettings';
import { createAdminApi } from './http/adminApi';
import { createFunctionsHandler, type FunctionsState } from './http/functionsHandler';
import { createKeyChecker, type KeyChecker } from './http/keys';
import { defaultStateDir, loadOrCreateKeys } from './http/keyStore';
import { defaultMaxRequestBodyBytes, startPublicServer, type PublicServer } from './http/publicServer';
import { buildRouteTable, isHttpTrigger, type HttpRoute } from './http/routeTable';
import type { StackFlags } from './emulators/cliArgs';
import { startLocalStack, type LocalStack } from './emulators/localStack';
import { createLogger, type Logger } from './log/logger';
import { hasBuildScript, watchApp, type AppWatcher } from './worker/appWatcher';
import { readAppPackage } from './worker/appLoader';
import { Disposable } from './worker/disposable';
import { FunctionApp, describeError } from './worker/functionApp';
import { InputProviderRegistry } from './worker/inputProviders';
import { nativeProcess } from './worker/nativeModules';
import { guardProcess } from './worker/processGuards';
import type { Clock } from './clock/clock';
import { RealClock } from './clock/realClock';
import { TimerTriggerServer } from './timers/timerTriggerServer';
import type { FunctionAppHandle, InputBindingProvider, InvocationRequest } from './worker/types';
import type { DevhostPlugin, PluginContext, ReloadingApp } from './plugins/types';

export type { DevhostPlugin, PluginContext } from './plugins/types';

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
  /** Where devhost keeps state (keys.json). Default `<appDir>/.devhost`. */
  stateDir?: string;
  /** Overrides host.json functionTimeout; `null` = no limit. */
  functionTimeoutMs?: number | null;
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
  /** appTerminate hooks, plugins and listeners are stopped; safe to call twice. */
  stop(): Promise<void>;
}

/** Trigger types the host itself serves. Plugins add theirs. */
const builtInTriggerTypes = ['httpTrigger'];

export async function startDevhost(options: DevhostOptions = {}): Promise<Devhost> {
  const logger = options.logger ?? createLogger();
  const appDir = path.resolve(options.appDir ?? process.cwd());
  const env = nativeProcess().env;
  // One clock for the whole host, so timer triggers and durable timers agree on what time it is.
  const clock = options.clock ?? new RealClock();
  const plugins = withBuiltInPlugins(options.plugins ?? []);

  // Configuration first: a broken host.json or local.settings.json fails before anything starts.
  const appPackage = readAppPackage(appDir);
  const hostJson = readHostJson(appDir);
  const localSettings = readLocalSettings(appDir);
  const stateDir = path.resolve(options.stateDir ?? defaultStateDir(appDir));
  const { keys: hostKeys, file: keyFile } = loadOrCreateKeys(stateDir);
  const keys = createKeyChecker(hostKeys, keyFile, options.enforceKeys ?? false);
  const maxRequestBodyBytes = options.maxRequestBodyBytes ?? defaultMaxRequestBodyBytes;
  const functionTimeoutMs =
    options.functionTimeoutMs === undefined
      ? hostJson.functionTimeoutMs
      : (options.functionTimeoutMs ?? undefined);

  const inputProviders = new InputProviderRegistry();
  let state: (FunctionsState & { app: FunctionApp }) | undefined;
  const reloadListeners = new Set<() => void | Promise<void>>();
  const reloadingListeners = new Set<(next: ReloadingApp) => void | Promise<void>>();
  const stopGuard = guardProcess((error, kind) =>
    logger.error(`${kind} outside any invocation: ${error.message}`, { stack: describeError(error) }),
  );

  const appFacade: FunctionAppHandle = {
    directory: appDir,
    functions: () => current().functions(),
    getFunction: (name) => current().getFunction(name),
    invoke: (request: InvocationRequest) => current().invoke(request),
    registerInputProvider: (type: string, provider: InputBindingProvider) =>
      inputProviders.register(type, provider),
  };
  function current(): FunctionApp {
    if (!state) throw new Error('The function app is not loaded (devhost is starting or stopping).');
    return state.app;
  }

  async function loadApp(): Promise<FunctionsState & { app: FunctionApp }> {
    const app = await FunctionApp.load({ appDir, logger, inputProviders, functionTimeoutMs });
    let routes: HttpRoute[];
    try {
      routes = buildRouteTable(app.functions(), hostJson.routePrefix);
    } catch (err) {
      await app.terminate();
      throw err;
    }
    return { app, routes };
  }

  let server: PublicServer | undefined;
  let localStack: LocalStack | undefined;
  const startedPlugins: DevhostPlugin[] = [];
  let watcher: AppWatcher | undefined;
  let setHostname = false;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    watcher?.close();
    const closing = server?.close();
    for (const plugin of [...startedPlugins].reverse()) {
      try {
        await plugin.stop();
      } catch (err) {
        logger.error(`Stopping ${plugin.name} failed: ${(err as Error).message}`, {
          stack: (err as Error).stack,
        });
      }
    }
    const app = state?.app;
    state = undefined;
    await app?.terminate();
    await closing;
    if (setHostname && server && env.WEBSITE_HOSTNAME === authority(server.origin))
      delete env.WEBSITE_HOSTNAME;
    await localStack?.close();
    removeAppSettings();
    stopGuard();
  };

  // Settings go into the process as func puts them there; stop() takes them out again, so hosts
  // started one after another in one process (jest workers) do not see each other's settings.
  const removeAppSettings = applyAppSettings(
    { AZURE_FUNCTIONS_ENVIRONMENT: 'Development', ...localSettings.values },
    env,
  );

  try {
    // Before the app loads: it reads COSMOS_ENDPOINT and AzureWebJobsStorage from its settings.
    if (options.emulators?.length) {
      localStack = await startLocalStack({
        appDir,
        stateDir,
        emulators: options.emulators,
        flags: options.localStack,
        env,
        logger: logger.child({ source: 'emulators' }),
      });
    }
    server = await startPublicServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? localSettings.localHttpPort ?? 7071,
      maxRequestBodyBytes,
      cors: { origins: localSettings.cors, credentials: localSettings.corsCredentials },
      logger,
      fallback: createFunctionsHandler({ state: () => state, keys, logger }),
    });
    // durable-functions rewrites URLs to localhost:7071 unless the app knows where it is served.
    if (env.WEBSITE_HOSTNAME === undefined) {
      env.WEBSITE_HOSTNAME = authority(server.origin);
      setHostname = true;
    }
    state = await loadApp();
    server.mount('/admin/', createAdminApi({ app: appFacade, keys }));

    const publicServer = server;
    const context: PluginContext = {
      app: appFacade,
      appDir,
      stateDir,
      origin: publicServer.origin,
      hostJson: hostJson.raw,
      env,
      keys,
      logger,
      clock,
      maxRequestBodyBytes,
      mountHttp: (prefix, handler) => publicServer.mount(prefix, handler),
      onAppReloaded: (listener) => {
        reloadListeners.add(listener);
        return new Disposable(() => reloadListeners.delete(listener));
      },
      onAppReloading: (listener) => {
        reloadingListeners.add(listener);
        return new Disposable(() => reloadingListeners.delete(listener));
      },
    };
    for (const plugin of [...plugins, ...(localStack?.plugins ?? [])]) {
      await plugin.start({ ...context, logger: logger.child({ source: plugin.name }) });
      startedPlugins.push(plugin);
    }
    warnAboutUnservedTriggers(state.app, plugins, logger);
    if (options.banner !== false) printBanner(state.app, state.routes, publicServer.origin, keys, logger);
  } catch (err) {
    await stop();
    throw err;
  }

  const reload = async (): Promise<void> => {
    if (stopped) return;
    // Load the new app before dropping the old one, so a broken change keeps the last good app.
    const next = await loadApp();
    for (const listener of reloadingListeners) {
      try {
        await listener(next.app);
      } catch (err) {
        logger.error(`Checking the rebuilt app failed: ${(err as Error).message}`, {
          stack: (err as Error).stack,
        });
      }
    }
    const previous = state;
    state = next;
    await previous?.app.terminate();
    logger.info(`Reloaded the app: ${next.app.functions().length} function(s).`);
    warnAboutUnservedTriggers(next.app, plugins, logger);
    for (const listener of reloadListeners) await listener();
  };

  if (options.watch) {
    watcher = watchApp({
      appDir,
      main: appPackage.main,
      hasBuildScript: hasBuildScript(appDir),
      logger,
      reload,
    });
    logger.info(`Watching ${appDir} for changes.`);
  }

  const listening = server;
  return {
    url: listening.origin,
    port: listening.port,
    app: appFacade,
    keys,
    hostJson,
    appDir,
    stateDir,
    reload,
    stop,
  };
}

function authority(origin: string): string {
  return origin.replace(/^https?:\/\//, '');
}

/** Timer triggers are served (on the context's clock) unless the caller brings its own timer plugin. */
function withBuiltInPlugins(plugins: readonly DevhostPlugin[]): DevhostPlugin[] {
  const servesTimers = plugins.some((p) => p.triggerTypes.some((t) => t.toLowerCase() === 'timertrigger'));
  return servesTimers ? [...plugins] : [...plugins, new TimerTriggerServer()];
}

function warnAboutUnservedTriggers(
  app: FunctionApp,
  plugins: readonly DevhostPlugin[],
  logger: Logger,
): void {
  const served = new Set(
    [...builtInTriggerTypes, ...plugins.flatMap((p) => p.triggerTypes)].map((t) => t.toLowerCase()),
  );
  const unserved = app.functions().filter((fn) => !served.has(fn.trigger.type.toLowerCase()));
  if (unserved.length === 0) return;
  logger.warn(
    `devhost does not serve these trigger types, so these functions will not run: ` +
      unserved.map((fn) => `${fn.name} (${fn.trigger.type})`).join(', ') +
      `. Served trigger types: ${[...served].join(', ')}.`,
  );
}

function printBanner(
  app: FunctionApp,
  routes: readonly HttpRoute[],
  origin: string,
  keys: KeyChecker,
  logger: Logger,
): void {
  const lines = [`Function app: ${app.directory}`, 'Functions:'];
  for (const fn of app.functions()) {
    const route = routes.find((r) => r.functionName === fn.name);
    if (route && isHttpTrigger(fn)) {
      const methods = route.methods.length ? route.methods.join(',') : 'ALL';
      const needsKey = keys.enforced && route.authLevel !== 'anonymous';
      lines.push(
        `  ${fn.name}: [${methods}] ${origin}/${route.template.text}${needsKey ? '?code=<see keys.json>' : ''}`,
      );
    } else {
      lines.push(`  ${fn.name}: ${fn.trigger.type}`);
    }
  }
  lines.push(
    `Keys: ${keys.file} (${
      keys.enforced
        ? 'enforced, as on Azure'
        : 'not checked, as with func start; pass --enforce-keys to check them'
    })`,
  );
  lines.push(`Listening on ${origin}`);
  logger.info(lines.join('\n'), { banner: true, url: origin, keysFile: keys.file });
}
