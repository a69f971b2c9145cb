import type * as azureFunctions from '@azure/functions';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { createMemoryLogger } from '../../../../devhost/src/log/logger';
import { AppLoadError } from '../../../../devhost/src/worker/errors';
import type * as FunctionAppModule from '../../../../devhost/src/worker/functionApp';
import { FunctionApp } from '../../../../devhost/src/worker/functionApp';
import { nativeModule, nativeProcess, nativeRequire } from '../../../../devhost/src/worker/nativeModules';
import type * as NativeModulesModule from '../../../../devhost/src/worker/nativeModules';
import type { InvocationOutcome, RpcTypedData } from '../../../../devhost/src/worker/types';

const fixtures = path.resolve(__dirname, '../../../fixtures');

function decode(value: RpcTypedData | undefined): unknown {
  if (value?.json !== undefined) return JSON.parse(value.json);
  if (value?.string !== undefined) return value.string;
  return value;
}

function returned(outcome: InvocationOutcome): unknown {
  if (outcome.status !== 'success') throw outcome.error;
  return decode(outcome.returnValue);
}

async function loadHooksApp() {
  const logger = createMemoryLogger();
  const app = await FunctionApp.load({ appDir: path.join(fixtures, 'hooks-app'), logger });
  return { app, logger };
}

describe('FunctionApp', () => {
  test('registers every function the app declares through @azure/functions, keyed by the metadata', async () => {
    const { app } = await loadHooksApp();
    const names = app.functions().map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining(['echo', 'rewritten', 'recovered', 'throws', 'logs', 'withInput', 'events']),
    );
    const echo = app.getFunction('echo')!;
    expect(echo.trigger.type).toBe('testTrigger');
    expect(echo.metadata.bindings[echo.triggerBindingName]).toBe(echo.trigger);
    expect(echo.metadata.scriptFile).toBe('functions.js');
    await app.terminate();
  });

  test('invokes a function through the app programming model and post hooks can replace the result', async () => {
    const { app } = await loadHooksApp();
    const outcome = await app.invoke({ functionName: 'echo', triggerData: { json: '{"a":1}' } });
    expect(returned(outcome)).toEqual({ echoed: { a: 1 } });
    await app.terminate();
  });

  test('pre-invocation hooks can replace the inputs and the function handler', async () => {
    const { app } = await loadHooksApp();
    const outcome = await app.invoke({ functionName: 'rewritten', triggerData: { string: 'ignored' } });
    expect(returned(outcome)).toBe('wrapped(handler saw from-pre-hook)');
    await app.terminate();
  });

  test('a post-invocation hook can clear the error of a failed function', async () => {
    const { app } = await loadHooksApp();
    const outcome = await app.invoke({ functionName: 'recovered', triggerData: { string: 'x' } });
    expect(returned(outcome)).toBe('recovered by post hook');
    await app.terminate();
  });

  test('hooks run in order with hook data shared between pre and post, and appStart before any invocation', async () => {
    const { app } = await loadHooksApp();
    await app.invoke({ functionName: 'echo', triggerData: { string: 'x' } });
    const events = returned(await app.invoke({ functionName: 'events', triggerData: { string: 'x' } }));
    expect(events).toEqual(['appStart', 'pre:echo', 'post:echo:true', 'pre:events']);
    await app.terminate();
  });

  test('appTerminate hooks run once when the app terminates, with the app-level hook data of appStart', async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-hooks-'));
    const file = path.join(dir, 'events.json');
    const env = nativeProcess().env;
    env.HOOKS_APP_EVENTS_FILE = file;
    try {
      const { app } = await loadHooksApp();
      await app.terminate();
      await app.terminate();
      const events = JSON.parse(await fs.promises.readFile(file, 'utf8')) as string[];
      expect(events.filter((e) => e.startsWith('appTerminate'))).toEqual(['appTerminate:start']);
    } finally {
      delete env.HOOKS_APP_EVENTS_FILE;
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  test('a function that throws gives a failure outcome and a logged stack naming the function', async () => {
    const { app, logger } = await loadHooksApp();
    const outcome = await app.invoke({ functionName: 'throws', triggerData: { string: 'x' } });
    expect(outcome.status).toBe('failure');
    expect(outcome.status === 'failure' && outcome.error.message).toBe('the function threw');
    const line = logger.records.find((r) => r.level === 'error');
    expect(line?.message).toMatch(
      /^Executed 'Functions\.throws' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\)$/,
    );
    expect(String(line?.fields.stack)).toContain('hooks-app/functions/functions.js');
    // The next invocation is unaffected.
    expect(returned(await app.invoke({ functionName: 'echo', triggerData: { string: 'ok' } }))).toEqual({
      echoed: 'ok',
    });
    await app.terminate();
  });

  test('context.log lines reach the logger with the function and invocation id, after log hooks', async () => {
    const { app, logger } = await loadHooksApp();
    const outcome = await app.invoke({ functionName: 'logs', triggerData: { string: 'tests' } });
    const user = logger.records.filter((r) => r.fields.category === 'user');
    expect(user.map((r) => [r.level, r.message])).toEqual([
      ['info', 'hello from tests'],
      ['warn', 'careful'],
      ['warn', 'secret: [redacted]'],
    ]);
    expect(user[0]?.fields).toMatchObject({ source: 'Functions.logs', invocationId: outcome.invocationId });
    await app.terminate();
  });

  test('non-trigger input bindings are filled by the provider registered for their type', async () => {
    const { app } = await loadHooksApp();
    const seen: string[] = [];
    app.registerInputProvider('TESTINPUT', (binding, fn, request) => {
      seen.push(`${binding.name}:${fn.name}:${request.origin}`);
      return { json: JSON.stringify({ provided: true }) };
    });
    const outcome = await app.invoke({
      functionName: 'withInput',
      triggerData: { string: 'x' },
      origin: 'http://127.0.0.1:1',
    });
    expect(returned(outcome)).toEqual({ extra: { provided: true } });
    expect(seen).toEqual(['extra:withInput:http://127.0.0.1:1']);
    await app.terminate();
  });

  test('an input binding without a provider fails the invocation with an error naming binding and type', async () => {
    const { app } = await loadHooksApp();
    const outcome = await app.invoke({ functionName: 'withInput', triggerData: { string: 'x' } });
    expect(outcome.status).toBe('failure');
    expect(outcome.status === 'failure' && outcome.error.message).toMatch(
      /Function 'withInput' has an input binding 'extra' of type 'testInput'/,
    );
    await app.terminate();
  });

  test('an invocation that outlives functionTimeout fails with a timeout error', async () => {
    const logger = createMemoryLogger();
    const app = await FunctionApp.load({
      appDir: path.join(fixtures, 'slow-app'),
      logger,
      functionTimeoutMs: 50,
    });
    const outcome = await app.invoke({
      functionName: 'hangs',
      triggerData: { http: { method: 'GET', url: 'http://localhost/api/hangs' } },
    });
    expect(outcome.status === 'failure' && outcome.error.message).toBe(
      "Timeout value of 00:00:00.050 exceeded by function 'hangs' (host.json functionTimeout).",
    );
    await app.terminate();
  });

  test('two apps loaded from the same folder keep separate function tables', async () => {
    const first = await loadHooksApp();
    const second = await loadHooksApp();
    await first.app.invoke({ functionName: 'echo', triggerData: { string: '1' } });
    const secondEvents = returned(
      await second.app.invoke({ functionName: 'events', triggerData: { string: '' } }),
    );
    const firstEvents = returned(
      await first.app.invoke({ functionName: 'events', triggerData: { string: '' } }),
    );
    expect(secondEvents).toEqual(['appStart', 'pre:events']);
    expect(firstEvents).toEqual(['appStart', 'pre:echo', 'post:echo:true', 'pre:events']);
    await first.app.terminate();
    await second.app.terminate();
  });

  test('registration is locked once the app is indexed', async () => {
    const { app } = await loadHooksApp();
    // Under jest the app runs in Node's own module system; reach its @azure/functions instance there.
    const lib = nativeRequire(path.join(fixtures, 'hooks-app', 'functions', 'functions.js'))(
      '@azure/functions',
    ) as typeof azureFunctions;
    expect(() =>
      lib.app.generic('late', { trigger: lib.trigger.generic({ type: 'testTrigger' }), handler: () => 1 }),
    ).toThrow('A function can only be registered during app startup.');
    await app.terminate();
  });

  test('an ES module app loads through import and serves its functions', async () => {
    const logger = createMemoryLogger();
    const app = await FunctionApp.load({ appDir: path.join(fixtures, 'esm-app'), logger });
    const outcome = await app.invoke({
      functionName: 'esmHello',
      triggerData: {
        http: {
          method: 'GET',
          url: 'http://localhost/api/esmHello?name=x',
          nullableQuery: { name: { value: 'x' } },
        },
      },
    });
    expect(outcome.status).toBe('success');
    const body = outcome.status === 'success' ? outcome.returnValue?.http?.body?.bytes : undefined;
    expect(JSON.parse(Buffer.from(body!).toString())).toEqual({ module: 'esm', name: 'x' });
    await app.terminate();
  });

  test('entry files load by extension: .mjs imported, .cjs required, .js as the package type says', async () => {
    const app = await FunctionApp.load({
      appDir: path.join(fixtures, 'mixed-app'),
      logger: createMemoryLogger(),
    });
    expect(
      app
        .functions()
        .map((f) => [f.name, f.metadata.scriptFile])
        .sort(),
    ).toEqual([
      ['fromCjs', 'fromCjs.cjs'],
      ['fromJs', 'fromJs.js'],
      ['fromMjs', 'fromMjs.mjs'],
    ]);
    await app.terminate();
  });

  test('the stack of a failed invocation points at the TypeScript source through its source map', async () => {
    const appDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-sourcemap-'));
    try {
      const repo = path.resolve(__dirname, '../../../..');
      await fs.promises.symlink(path.join(repo, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
      await fs.promises.writeFile(path.join(appDir, 'package.json'), JSON.stringify({ main: 'dist/*.js' }));
      const source = [
        "import { app } from '@azure/functions';",
        '',
        'function failDeep(): never {',
        "  throw new Error('thrown in TypeScript');",
        '}',
        '',
        "app.http('typed', { handler: () => failDeep() });",
        '',
      ].join('\n');
      const out = ts.transpileModule(source, {
        fileName: 'typed.ts',
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true },
      });
      await fs.promises.mkdir(path.join(appDir, 'src'));
      await fs.promises.mkdir(path.join(appDir, 'dist'));
      await fs.promises.writeFile(path.join(appDir, 'src', 'typed.ts'), source);
      const map = JSON.parse(out.sourceMapText!) as { sources: string[] };
      map.sources = ['../src/typed.ts'];
      await fs.promises.writeFile(path.join(appDir, 'dist', 'typed.js.map'), JSON.stringify(map));
      await fs.promises.writeFile(
        path.join(appDir, 'dist', 'typed.js'),
        out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=typed.js.map'),
      );
      const logger = createMemoryLogger();
      const app = await FunctionApp.load({ appDir, logger });
      const outcome = await app.invoke({
        functionName: 'typed',
        triggerData: { http: { method: 'GET', url: 'http://localhost/api/typed' } },
      });
      expect(outcome.status).toBe('failure');
      const failure = logger.records.find((r) => r.level === 'error');
      expect(failure?.message).toMatch(/^Executed 'Functions\.typed' \(Failed/);
      expect(String(failure?.fields.stack)).toMatch(/src\/typed\.ts:4:9/);
      await app.terminate();
    } finally {
      await fs.promises.rm(appDir, { recursive: true, force: true });
    }
  });

  test.each([
    ['throws-at-load', /Loading .*throws-at-load\/index\.js threw: COSMOS_ENDPOINT is not set/, 'index.js'],
    ['no-match', /Found zero files matching "dist\/src\/functions\/\*\.js"/, 'package.json'],
    ['does-not-exist', /does not exist/, 'does-not-exist'],
  ])('loading %s fails with a message naming the file', async (name, message, file) => {
    const promise = FunctionApp.load({ appDir: path.join(fixtures, name), logger: createMemoryLogger() });
    await expect(promise).rejects.toThrow(message);
    const error = (await promise.catch((e: unknown) => e)) as AppLoadError;
    expect(error).toBeInstanceOf(AppLoadError);
    expect(path.basename(error.file)).toBe(file);
    expect(error.hint).not.toBe('');
  });

  describe('one copy of devhost per test file, as jest evaluates it', () => {
    const workerDir = '../../../../devhost/src/worker';
    function isolatedCopy<T>(file: string): T {
      let copy: T | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy, as jest makes per file
        copy = require(`${workerDir}/${file}`) as T;
      });
      return copy!;
    }

    test("copies share one hook on Node's loader, and each copy's app keeps working", async () => {
      type Copy = typeof FunctionAppModule;
      const first = isolatedCopy<Copy>('functionApp').FunctionApp;
      const second = isolatedCopy<Copy>('functionApp').FunctionApp;
      const appDir = path.join(fixtures, 'hooks-app');
      const a = await first.load({ appDir, logger: createMemoryLogger() });
      const hook = nativeModule().prototype.require;
      const b = await second.load({ appDir, logger: createMemoryLogger() });
      // A hook per copy would wrap the one before and keep every earlier test file's modules alive.
      expect(nativeModule().prototype.require).toBe(hook);
      for (const app of [a, b]) {
        const outcome = await app.invoke({ functionName: 'echo', triggerData: { json: '{"n":1}' } });
        expect(returned(outcome)).toEqual({ echoed: { n: 1 } });
      }
      await a.terminate();
      await b.terminate();
    });

    test('processWide gives every copy the same value, created once', () => {
      type Copy = typeof NativeModulesModule;
      const name = `test.shared.${process.hrtime.bigint()}`;
      const create = jest.fn(() => ({ created: true }));
      try {
        const one = isolatedCopy<Copy>('nativeModules').processWide(name, create);
        const two = isolatedCopy<Copy>('nativeModules').processWide(name, create);
        expect(two).toBe(one);
        expect(create).toHaveBeenCalledTimes(1);
      } finally {
        delete (nativeProcess() as unknown as Record<symbol, unknown>)[Symbol.for(`devhost.${name}`)];
      }
    });
  });
});
