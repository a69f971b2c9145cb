/**
 * Loads an app's entry files the way the Node worker does: `package.json` `main` is a glob; each
 * match loads in order (`.mjs` → import, `.cjs` → require, otherwise ESM iff `"type": "module"`).
 * Every load gets fresh instances of the app's modules and of `@azure/functions` /
 * `durable-functions`, so two hosts in one process never share a function table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { AppLoadError } from './errors';
import { importNative, nativeRequire, nativeRequireCache } from './nativeModules';

export interface AppPackage {
  directory: string;
  packageJsonPath: string;
  main: string;
  isModule: boolean;
}

export function readAppPackage(appDir: string): AppPackage {
  const directory = path.resolve(appDir);
  const packageJsonPath = path.join(directory, 'package.json');
  if (!fs.existsSync(directory)) {
    throw new AppLoadError(
      `The app folder ${directory} does not exist.`,
      directory,
      'Pass --app-dir with the folder that holds your function app (its host.json and package.json).',
    );
  }
  let raw: string;
  try {
    raw = fs.readFileSync(packageJsonPath, 'utf8');
  } catch {
    throw new AppLoadError(
      `No package.json in ${directory}.`,
      packageJsonPath,
      'Pass --app-dir with the folder that holds your function app (its host.json and package.json).',
    );
  }
  let pkg: { main?: unknown; type?: unknown };
  try {
    pkg = JSON.parse(raw) as { main?: unknown; type?: unknown };
  } catch (err) {
    throw new AppLoadError(
      `${packageJsonPath} is not valid JSON: ${(err as Error).message}`,
      packageJsonPath,
      'Fix the JSON syntax of package.json.',
    );
  }
  if (typeof pkg.main !== 'string' || pkg.main.trim() === '') {
    throw new AppLoadError(
      `${packageJsonPath} has no "main" field, so devhost does not know which files register your functions.`,
      packageJsonPath,
      'Set "main" to the compiled entry files, e.g. "dist/src/functions/*.js".',
    );
  }
  return { directory, packageJsonPath, main: pkg.main, isModule: pkg.type === 'module' };
}

/** The entry files `main` matches, in a stable order. Zero matches is an error, as in the worker. */
export function resolveEntryFiles(pkg: AppPackage): string[] {
  const pattern = pkg.main.replace(/\\/g, '/').replace(/^\.\//, '');
  const files = fg
    .sync(pattern, { cwd: pkg.directory, absolute: true, onlyFiles: true, dot: false })
    .map((f) => path.normalize(f))
    .sort();
  if (files.length === 0) {
    throw new AppLoadError(
      `Found zero files matching "${pkg.main}" (package.json "main") in ${pkg.directory}.`,
      pkg.packageJsonPath,
      fs.existsSync(path.join(pkg.directory, 'tsconfig.json'))
        ? 'Build the app first (npm run build), or fix "main" in package.json.'
        : 'Fix "main" in package.json so it names your entry files.',
    );
  }
  return files;
}

function isEsModule(file: string, pkg: AppPackage): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  return pkg.isModule;
}

let loadCount = 0;

/** Loads one entry file. A throw while loading becomes an AppLoadError naming the file. */
export async function loadEntryFile(file: string, pkg: AppPackage): Promise<void> {
  try {
    if (isEsModule(file, pkg)) {
      // The ESM cache cannot be cleared: a query makes a reload evaluate the entry again.
      const url = pathToFileURL(file);
      loadCount += 1;
      if (loadCount > 1) url.search = `devhost-load=${loadCount}`;
      await importNative(url.href);
    } else {
      nativeRequire(file)(file);
    }
  } catch (err) {
    const error = err as Error;
    throw new AppLoadError(
      `Loading ${path.relative(process.cwd(), file) || file} threw: ${error?.message ?? String(err)}`,
      file,
      'Fix the error above in your app (see the stack) and rebuild; devhost loads the compiled files.',
      { cause: err },
    );
  }
}

const sharedPackages = ['@azure/functions', 'durable-functions'];

/**
 * Drops cached instances of the app's modules (not its node_modules, not devhost's own files) and
 * of the packages that hold function tables, so the next load evaluates them afresh.
 */
export function purgeAppModules(appDir: string): void {
  const cache = nativeRequireCache();
  const appRoot = path.resolve(appDir) + path.sep;
  const appModules = path.join(appRoot, 'node_modules') + path.sep;
  const devhostRoot = path.resolve(__dirname, '..') + path.sep;
  const packageDirs = sharedPackages.map(
    (p) => `${path.sep}node_modules${path.sep}${p.replace('/', path.sep)}${path.sep}`,
  );
  for (const key of Object.keys(cache)) {
    const inApp = key.startsWith(appRoot) && !key.startsWith(appModules) && !key.startsWith(devhostRoot);
    if (inApp || packageDirs.some((dir) => key.includes(dir))) delete cache[key];
  }
}
