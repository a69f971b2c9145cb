/**
 * The in-memory `@azure/functions-core` module, as the Node worker provides it. Node has one
 * module system per process but devhost may run several hosts in it (tests), so the module is one
 * stable object that forwards each call to the host it belongs to: the host loading its app, else
 * the host running the current invocation, else the host loaded last.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Disposable } from './disposable';
import { FunctionRegistrationError } from './errors';
import type { FunctionRegistry } from './functionRegistry';
import type { HookRegistry } from './hooks';
import { nativeModule, processWide } from './nativeModules';
import type { CoreLogCategory, CoreLogLevel, ProgrammingModel } from './coreTypes';

const coreModuleName = '@azure/functions-core';
/** The worker version this seam mirrors (worker 3.9.1; docs/protocol.md §10). */
const workerVersion = '3.9.1';
export const hostVersion = '4.1037.0';

/** One host's side of the core module. */
export interface CoreTarget {
  readonly registry: FunctionRegistry;
  readonly hooks: HookRegistry;
  programmingModel: ProgrammingModel | undefined;
  log(level: CoreLogLevel, category: CoreLogCategory, message: string): void;
}

/** Which app an invocation belongs to; one per process (see `processWide`). */
const invocationTarget = (): AsyncLocalStorage<CoreTarget> =>
  processWide('invocationTarget', () => new AsyncLocalStorage<CoreTarget>());
let loadingTarget: CoreTarget | undefined;
let lastLoadedTarget: CoreTarget | undefined;
/**
 * `@azure/functions` sets its model once per module instance. An ES module app re-imported by a
 * second host reuses the first instance (the ESM cache cannot be cleared), so the second host
 * adopts the model that instance set; the model object itself is stateless.
 */
let lastProgrammingModel: ProgrammingModel | undefined;
let loadQueue: Promise<unknown> = Promise.resolve();

function activeTarget(): CoreTarget | undefined {
  return loadingTarget ?? invocationTarget().getStore() ?? lastLoadedTarget;
}

const coreModule = {
  version: workerVersion,
  get hostVersion(): string {
    return hostVersion;
  },
  setProgrammingModel(model: ProgrammingModel): void {
    lastProgrammingModel = model;
    const target = activeTarget();
    if (target) target.programmingModel = model;
  },
  getProgrammingModel(): ProgrammingModel | undefined {
    return activeTarget()?.programmingModel;
  },
  registerFunction(metadata: unknown, callback: unknown): Disposable {
    if (!loadingTarget) {
      throw new FunctionRegistrationError('A function can only be registered during app startup.');
    }
    return loadingTarget.registry.register(metadata, callback);
  },
  registerHook(name: unknown, callback: unknown): Disposable {
    const target = activeTarget();
    if (!target) throw new Error('Hooks can only be registered by an app that devhost loads.');
    return target.hooks.register(name, callback);
  },
  log(level: CoreLogLevel, category: CoreLogCategory, message: string): void {
    activeTarget()?.log(level, category, message);
  },
  Disposable,
};

/**
 * Answers `require('@azure/functions-core')` in Node's real module system, as the worker does
 * (`Module.prototype.require`), so it also works when devhost itself runs inside jest. The hook
 * goes in once per process and answers with the copy of this module that loaded an app last.
 */
function installCoreModule(): void {
  const hook = processWide('functionsCoreHook', () => {
    const state: { module: unknown } = { module: undefined };
    const proto = nativeModule().prototype;
    const originalRequire = proto.require;
    proto.require = function (this: unknown, id: string): unknown {
      if (id === coreModuleName) return state.module;
      // eslint-disable-next-line prefer-rest-params -- keep every argument Node passes.
      return originalRequire.apply(this, arguments as unknown as [string]);
    };
    return state;
  });
  hook.module = coreModule;
}

/**
 * Runs `load` with `target` receiving registrations. Loads are serialized: module evaluation is
 * where registrations happen and two hosts must not interleave there.
 */
export function loadWithTarget<T>(target: CoreTarget, load: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    installCoreModule();
    loadingTarget = target;
    try {
      const result = await load();
      target.programmingModel ??= lastProgrammingModel;
      lastLoadedTarget = target;
      return result;
    } finally {
      loadingTarget = undefined;
    }
  };
  const result = loadQueue.then(run, run);
  loadQueue = result.catch(() => undefined);
  return result;
}

/** Runs an invocation (and everything it schedules) on behalf of `target`. */
export function runForTarget<T>(target: CoreTarget, fn: () => T): T {
  return invocationTarget().run(target, fn);
}

/** Forgets `target` when its host stops, so a stopped host never receives calls. */
export function releaseTarget(target: CoreTarget): void {
  if (lastLoadedTarget === target) lastLoadedTarget = undefined;
}
