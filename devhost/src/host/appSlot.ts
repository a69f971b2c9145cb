/**
 * The function app slot: the app devhost serves now, with its HTTP routes, and the `--watch`
 * reload that swaps in a new build. `handle` forwards to whichever app is current, so plugins keep
 * theirs across reloads. A reload loads the new app while the old one still serves (a broken
 * change keeps the last good app), swaps them in one step (no request ever sees no app), lets the
 * invocations already running on the old app finish (bounded), then runs its appTerminate hooks
 * and tells the reload listeners.
 */
import { buildRouteTable, type HttpRoute } from '../http/routeTable';
import type { FunctionsState } from '../http/functionsHandler';
import type { Logger } from '../log/logger';
import { Disposable } from '../worker/disposable';
import { FunctionApp } from '../worker/functionApp';
import { InputProviderRegistry } from '../worker/inputProviders';
import type { FunctionAppHandle, InputBindingProvider, InvocationRequest } from '../worker/types';

export interface AppSlotOptions {
  appDir: string;
  logger: Logger;
  /** host.json `extensions.http.routePrefix`. */
  routePrefix: string;
  functionTimeoutMs: number | undefined;
  /** How long a reload waits for invocations still running on the old app before terminating it. */
  drainMs: number;
}

type ReloadListener = () => void | Promise<void>;

/** One loaded app, its routes, and a handle that counts the invocations running on it. */
class LoadedApp {
  readonly handle: FunctionAppHandle;
  #running = 0;
  #idle = new Set<() => void>();

  constructor(
    readonly app: FunctionApp,
    readonly routes: readonly HttpRoute[],
  ) {
    this.handle = {
      directory: app.directory,
      functions: () => app.functions(),
      getFunction: (name) => app.getFunction(name),
      invoke: async (request: InvocationRequest) => {
        this.#running += 1;
        try {
          return await app.invoke(request);
        } finally {
          this.#running -= 1;
          if (this.#running === 0) for (const resolve of [...this.#idle]) resolve();
        }
      },
      registerInputProvider: (type, provider) => app.registerInputProvider(type, provider),
    };
  }

  /** Resolves when no invocation runs on this app, or after `ms`; true if none runs. */
  async drained(ms: number): Promise<boolean> {
    if (this.#running === 0) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#idle.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#idle.add(done);
    });
    return this.#running === 0;
  }

  get running(): number {
    return this.#running;
  }
}

export class AppSlot {
  /** Host-owned providers (e.g. `durableClient`): they survive reloads. */
  readonly inputProviders = new InputProviderRegistry();
  /** The app as plugins see it: always the current one. */
  readonly handle: FunctionAppHandle;
  #current: LoadedApp | undefined;
  #closed = false;
  readonly #listeners = new Set<ReloadListener>();

  constructor(private readonly options: AppSlotOptions) {
    this.handle = {
      directory: options.appDir,
      functions: () => this.#require().app.functions(),
      getFunction: (name) => this.#require().app.getFunction(name),
      invoke: (request) => this.#require().handle.invoke(request),
      registerInputProvider: (type: string, provider: InputBindingProvider) =>
        this.inputProviders.register(type, provider),
    };
  }

  /** The current app and its routes, for the function routes; undefined when none is loaded. */
  state(): FunctionsState | undefined {
    const current = this.#current;
    return current && { app: current.handle, routes: current.routes };
  }

  /** The current app; throws when none is loaded. */
  get app(): FunctionApp {
    return this.#require().app;
  }

  get routes(): readonly HttpRoute[] {
    return this.#require().routes;
  }

  /** Loads the app for the first time. */
  async load(): Promise<void> {
    this.#current = await this.#loadApp();
  }

  /** Loads the app again and swaps it in (see the module comment). */
  async reload(): Promise<void> {
    if (this.#closed) return;
    const next = await this.#loadApp();
    if (this.#closed) {
      await next.app.terminate();
      return;
    }
    const previous = this.#current;
    this.#current = next;
    if (previous) {
      if (!(await previous.drained(this.options.drainMs))) {
        this.options.logger.warn(
          `${previous.running} invocation(s) of the previous app still run after ${this.options.drainMs} ms; ` +
            'running its appTerminate hooks anyway.',
        );
      }
      await previous.app.terminate();
    }
    this.options.logger.info(`Reloaded the app: ${next.app.functions().length} function(s).`);
    for (const listener of this.#listeners) await listener();
  }

  /** Called after each reload (functions may have changed). */
  onReloaded(listener: ReloadListener): Disposable {
    this.#listeners.add(listener);
    return new Disposable(() => this.#listeners.delete(listener));
  }

  /** Drops the app and runs its appTerminate hooks; no reload happens afterwards. */
  async terminate(): Promise<void> {
    this.#closed = true;
    const current = this.#current;
    this.#current = undefined;
    await current?.app.terminate();
  }

  async #loadApp(): Promise<LoadedApp> {
    const { appDir, logger, functionTimeoutMs, routePrefix } = this.options;
    const app = await FunctionApp.load({
      appDir,
      logger,
      inputProviders: this.inputProviders,
      functionTimeoutMs,
    });
    try {
      return new LoadedApp(app, buildRouteTable(app.functions(), routePrefix));
    } catch (err) {
      await app.terminate();
      throw err;
    }
  }

  #require(): LoadedApp {
    if (!this.#current) throw new Error('The function app is not loaded (devhost is starting or stopping).');
    return this.#current;
  }
}
