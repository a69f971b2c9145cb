/**
 * A loaded function app: its function table, hooks and programming model, and the one way trigger
 * servers run its functions (`invoke`). Loading follows the Node worker: install the core module,
 * load the entry files, run appStart hooks, ask the model for capabilities, lock the table.
 */
import type { Logger } from '../log/logger';
import { loadEntryFile, purgeAppModules, readAppPackage, resolveEntryFiles } from './appLoader';
import { loadWithTarget, releaseTarget, type CoreTarget } from './coreModule';
import { defaultWorkerCapabilities, type CoreLogLevel } from './coreTypes';
import type { Disposable } from './disposable';
import { AppLoadError, ensureError } from './errors';
import { FunctionRegistry } from './functionRegistry';
import { HookRegistry } from './hooks';
import { InputProviderRegistry } from './inputProviders';
import { invoke } from './invocation';
import { nativeProcess } from './nativeModules';
import type {
  FunctionAppHandle,
  InputBindingProvider,
  InvocationOutcome,
  InvocationRequest,
  RegisteredFunction,
} from './types';

export interface LoadFunctionAppOptions {
  appDir: string;
  logger: Logger;
  /** Host-owned providers, kept across reloads. A fresh registry if omitted. */
  inputProviders?: InputProviderRegistry;
  /** host.json functionTimeout in ms; undefined = unlimited. */
  functionTimeoutMs?: number;
}

export class FunctionApp implements FunctionAppHandle {
  static async load(options: LoadFunctionAppOptions): Promise<FunctionApp> {
    const pkg = readAppPackage(options.appDir);
    const entryFiles = resolveEntryFiles(pkg);
    const app = new FunctionApp(pkg.directory, entryFiles, options);
    // Stack traces of app errors point at the TypeScript sources, as `--enable-source-maps` does.
    nativeProcess().setSourceMapsEnabled(true);
    await loadWithTarget(app.#target, async () => {
      purgeAppModules(pkg.directory);
      for (const file of entryFiles) {
        app.#target.registry.currentEntryPoint = file;
        try {
          await loadEntryFile(file, pkg);
        } finally {
          app.#target.registry.currentEntryPoint = undefined;
        }
      }
      try {
        await app.#target.hooks.run('appStart', app.#appStartContext());
      } catch (err) {
        throw new AppLoadError(
          `An appStart hook threw: ${ensureError(err).message}`,
          pkg.packageJsonPath,
          'Fix the appStart hook registered by your app (see the stack).',
          { cause: err },
        );
      }
      // The worker reports capabilities before indexing; @azure/functions locks app.setup() here.
      const capabilities = await app.#target.programmingModel?.getCapabilities?.({
        ...defaultWorkerCapabilities,
      });
      if (capabilities?.HttpUri) {
        options.logger.warn(
          'The app enabled HTTP streaming (app.setup({ enableHttpStream: true })), which devhost does not ' +
            'support: its HTTP functions will not receive requests. Remove the setting to run it under devhost.',
        );
      }
      app.#target.registry.lock();
    });
    if (app.functions().length === 0) {
      options.logger.warn(
        `No functions were registered by ${entryFiles.length} entry file(s) of ${pkg.directory}. ` +
          'Register them with @azure/functions v4 (app.http, app.generic, ...).',
      );
    }
    return app;
  }

  readonly directory: string;
  readonly entryFiles: readonly string[];
  readonly #logger: Logger;
  readonly #inputProviders: InputProviderRegistry;
  readonly #timeoutMs: number | undefined;
  readonly #appHookData: Record<string, unknown> = {};
  readonly #appLevelHookData: Record<string, unknown> = {};
  readonly #target: CoreTarget;
  #terminated = false;

  private constructor(directory: string, entryFiles: string[], options: LoadFunctionAppOptions) {
    this.directory = directory;
    this.entryFiles = entryFiles;
    this.#logger = options.logger;
    this.#inputProviders = options.inputProviders ?? new InputProviderRegistry();
    this.#timeoutMs = options.functionTimeoutMs;
    const logger = this.#logger;
    this.#target = {
      registry: new FunctionRegistry(),
      hooks: new HookRegistry(),
      programmingModel: undefined,
      log(level, category, message) {
        logAt(logger, level, message, { category });
      },
    };
  }

  functions(): RegisteredFunction[] {
    return this.#target.registry.list().map(({ name, metadata, triggerBindingName, trigger }) => ({
      name,
      metadata,
      triggerBindingName,
      trigger,
    }));
  }

  getFunction(name: string): RegisteredFunction | undefined {
    return this.#target.registry.get(name);
  }

  registerInputProvider(bindingType: string, provider: InputBindingProvider): Disposable {
    return this.#inputProviders.register(bindingType, provider);
  }

  /** Runs one invocation; never throws for app faults (they are a failure outcome). */
  async invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    const fn = this.#target.registry.get(request.functionName);
    if (!fn) {
      throw new Error(
        `devhost asked to invoke '${request.functionName}', which the app did not register ` +
          `(registered: ${this.functions()
            .map((f) => f.name)
            .join(', ')}).`,
      );
    }
    const source = `Functions.${fn.name}`;
    const outcome = await invoke(
      {
        target: this.#target,
        inputProviders: this.#inputProviders,
        appHookData: this.#appHookData,
        timeoutMs: this.#timeoutMs,
        onLateFault: (error, invocationId) =>
          this.#logger.error(`${error.message} (raised after '${source}' completed, Id=${invocationId})`, {
            source,
            function: fn.name,
            invocationId,
            stack: describeError(error),
          }),
        onLog: (level, category, message, invocationId, invocationContext) => {
          const line = this.#runLogHooks(level, category, message, invocationContext);
          logAt(this.#logger, line.level, line.message, { source, invocationId, category });
        },
      },
      fn,
      request,
    );
    const fields = {
      source,
      function: fn.name,
      invocationId: outcome.invocationId,
      outcome: outcome.status === 'success' ? 'Succeeded' : 'Failed',
      durationMs: outcome.durationMs,
    };
    const line = `Executed '${source}' (${fields.outcome}, Id=${outcome.invocationId}, Duration=${Math.round(outcome.durationMs)}ms)`;
    if (outcome.status === 'success') this.#logger.info(line, fields);
    else
      this.#logger.error(line, {
        ...fields,
        error: outcome.error.message,
        stack: describeError(outcome.error),
      });
    return outcome;
  }

  /** Runs appTerminate hooks once (graceful shutdown or reload). */
  async terminate(): Promise<void> {
    if (this.#terminated) return;
    this.#terminated = true;
    try {
      await this.#target.hooks.run('appTerminate', {
        hookData: this.#appLevelHookData,
        appHookData: this.#appHookData,
      });
    } catch (err) {
      this.#logger.error(`An appTerminate hook threw: ${ensureError(err).message}`, {
        stack: describeError(ensureError(err)),
      });
    } finally {
      releaseTarget(this.#target);
    }
  }

  /** Log hooks (newer workers) may rewrite the level and message of user logs. */
  #runLogHooks(
    level: CoreLogLevel,
    category: string,
    message: string,
    invocationContext: unknown,
  ): { level: CoreLogLevel; message: string } {
    const hooks = this.#target.hooks;
    if (category !== 'user' || !hooks.has('log')) return { level, message };
    const context: Record<string, unknown> = {
      hookData: {},
      appHookData: this.#appHookData,
      invocationContext,
      category,
      level,
      message,
    };
    try {
      hooks.runSync('log', context);
    } catch (err) {
      this.#logger.warn(`A log hook threw: ${ensureError(err).message}`);
      return { level, message };
    }
    return { level: context.level as CoreLogLevel, message: String(context.message) };
  }

  #appStartContext(): Record<string, unknown> {
    return {
      hookData: this.#appLevelHookData,
      appHookData: this.#appHookData,
      functionAppDirectory: this.directory,
    };
  }
}

export function describeError(error: Error): string {
  return error.stack ?? `${error.name}: ${error.message}`;
}

function logAt(logger: Logger, level: CoreLogLevel, message: string, fields: Record<string, unknown>): void {
  const system = fields.category === 'system';
  switch (level) {
    case 'critical':
    case 'error':
      logger.error(message, fields);
      break;
    case 'warning':
      logger.warn(message, fields);
      break;
    case 'information':
      if (system) logger.debug(message, fields);
      else logger.info(message, fields);
      break;
    case 'none':
      break;
    default:
      logger.debug(message, fields);
  }
}
