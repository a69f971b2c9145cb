/**
 * Access to Node's own module system and process object, also when devhost itself runs inside
 * jest's module registry. The app must load through Node's real loader (where the
 * `@azure/functions-core` hook lives), and its settings must reach the real `process.env`.
 */
import Module from 'node:module';
import * as path from 'node:path';

/** Node's `module` builtin, with the internals devhost relies on. */
export interface NativeModuleApi {
  createRequire(filename: string): NodeJS.Require;
  _cache: Record<string, NodeModule | undefined>;
  prototype: { require: (this: unknown, id: string) => unknown };
}

interface NativeBridge {
  importModule(specifier: string): Promise<Record<string, unknown>>;
  process: NodeJS.Process;
  Module: NativeModuleApi;
}

interface CompilableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  _compile(source: string, filename: string): void;
}

let bridge: NativeBridge | undefined;

/**
 * Compiles a two-line module through Node's real CommonJS loader: its `import()` uses Node's ESM
 * loader (a module compiled by jest has none), its `process` is the real one (jest hands test
 * code a copy), and its `require('module')` is Node's (jest hands test code a look-alike whose
 * `createRequire` loads through jest).
 */
function getBridge(): NativeBridge {
  if (!bridge) {
    const filename = path.join(__dirname, '__devhostNativeBridge.js');
    const ModuleCtor = Module as unknown as new (id: string) => CompilableModule;
    const mod = new ModuleCtor(filename);
    mod.filename = filename;
    mod.paths = [];
    mod._compile(
      "module.exports = { importModule: (s) => import(s), process, Module: require('node:module') };",
      filename,
    );
    bridge = mod.exports as NativeBridge;
  }
  return bridge;
}

/** Dynamic `import()` through Node's ESM loader. */
export function importNative(specifierOrUrl: string): Promise<Record<string, unknown>> {
  return getBridge().importModule(specifierOrUrl);
}

/** The real `process` object (not jest's per-test copy). */
export function nativeProcess(): NodeJS.Process {
  return getBridge().process;
}

/** A `require` that loads through Node's real CommonJS loader, relative to `filename`. */
export function nativeRequire(filename: string): NodeJS.Require {
  return getBridge().Module.createRequire(filename);
}

/** Node's real `module` builtin. */
export function nativeModule(): NativeModuleApi {
  return getBridge().Module;
}

/** Node's real require cache, keyed by absolute file name. */
export function nativeRequireCache(): Record<string, NodeModule | undefined> {
  return getBridge().Module._cache;
}

/**
 * One value per process, shared by every copy of devhost's modules. jest evaluates a module once
 * per test file, so module state that reaches into Node itself (a hook on its loader, an
 * `AsyncLocalStorage`, which async_hooks keeps until disabled) would otherwise be created again
 * by each file and hold on to that file's whole module registry.
 */
export function processWide<T>(name: string, create: () => T): T {
  const holder = nativeProcess() as unknown as Record<symbol, unknown>;
  const key = Symbol.for(`devhost.${name}`);
  if (!(key in holder)) holder[key] = create();
  return holder[key] as T;
}
