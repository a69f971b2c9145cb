/**
 * The function table an app fills through `registerFunction` while it loads, as the Node worker
 * keeps it: ids are unique, and the table locks once the host has indexed the app.
 */
import * as path from 'node:path';
import { Disposable } from './disposable';
import { FunctionRegistrationError } from './errors';
import type { RegisteredFunction, RpcBindingInfo, RpcFunctionMetadata } from './types';

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RegistryEntry extends RegisteredFunction {
  readonly callback: FunctionCallback;
}

export class FunctionRegistry {
  readonly #byId = new Map<string, RegistryEntry>();
  #locked = false;
  /** The entry file being loaded; fills `scriptFile`/`directory` like the worker does. */
  currentEntryPoint: string | undefined;

  register(metadata: unknown, callback: unknown): Disposable {
    if (this.#locked) {
      throw new FunctionRegistrationError('A function can only be registered during app startup.');
    }
    const meta = validateMetadata(metadata);
    if (typeof callback !== 'function') {
      throw new FunctionRegistrationError(`Function '${meta.name}' was registered without a callback.`);
    }
    const functionId = meta.functionId ?? meta.name;
    if (this.#byId.has(functionId)) {
      throw new FunctionRegistrationError(
        `A function with id '${functionId}' has already been registered. Function names must be unique.`,
      );
    }
    const [triggerBindingName, trigger] = findTrigger(meta);
    const entryPoint = this.currentEntryPoint;
    const full: RpcFunctionMetadata = {
      ...meta,
      functionId,
      scriptFile: entryPoint ? path.basename(entryPoint) : 'unknown',
      directory: entryPoint ? path.dirname(entryPoint) : undefined,
      rawBindings: Object.entries(meta.bindings).map(([name, binding]) =>
        JSON.stringify({ ...binding, name }),
      ),
    };
    this.#byId.set(functionId, {
      name: meta.name,
      metadata: full,
      triggerBindingName,
      trigger,
      callback: callback as FunctionCallback,
    });
    return new Disposable(() => {
      if (this.#locked) {
        throw new FunctionRegistrationError('A function can only be disposed during app startup.');
      }
      this.#byId.delete(functionId);
    });
  }

  /** Called once the app is indexed: later registrations throw, as in the worker. */
  lock(): void {
    this.#locked = true;
  }

  get locked(): boolean {
    return this.#locked;
  }

  list(): RegistryEntry[] {
    return [...this.#byId.values()];
  }

  get(name: string): RegistryEntry | undefined {
    return this.#byId.get(name) ?? this.list().find((f) => f.name === name);
  }
}

function validateMetadata(metadata: unknown): RpcFunctionMetadata {
  if (metadata === null || typeof metadata !== 'object') {
    throw new FunctionRegistrationError('registerFunction needs a metadata object.');
  }
  const meta = metadata as Partial<RpcFunctionMetadata>;
  if (typeof meta.name !== 'string' || meta.name === '') {
    throw new FunctionRegistrationError('registerFunction metadata needs a non-empty "name".');
  }
  if (meta.bindings === null || typeof meta.bindings !== 'object') {
    throw new FunctionRegistrationError(`Function '${meta.name}' was registered without "bindings".`);
  }
  return meta as RpcFunctionMetadata;
}

function findTrigger(meta: RpcFunctionMetadata): [string, RpcBindingInfo] {
  for (const [name, binding] of Object.entries(meta.bindings)) {
    if (typeof binding?.type === 'string' && /trigger$/i.test(binding.type)) return [name, binding];
  }
  throw new FunctionRegistrationError(
    `Function '${meta.name}' has no trigger binding: every function needs exactly one trigger.`,
  );
}
