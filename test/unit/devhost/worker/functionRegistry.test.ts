import { FunctionRegistry } from '../../../../devhost/src/worker/functionRegistry';
import { HookRegistry } from '../../../../devhost/src/worker/hooks';

const httpMetadata = (name: string, functionId?: string) => ({
  name,
  ...(functionId ? { functionId } : {}),
  bindings: {
    httpTrigger1: { type: 'httpTrigger', direction: 'in', methods: ['GET'] },
    $return: { type: 'http', direction: 'out' },
  },
});

describe('FunctionRegistry', () => {
  test('fills functionId, scriptFile, directory and rawBindings as the worker does', () => {
    const registry = new FunctionRegistry();
    registry.currentEntryPoint = '/app/dist/functions/hello.js';
    registry.register(httpMetadata('hello'), () => undefined);
    const [fn] = registry.list();
    expect(fn?.metadata).toMatchObject({
      functionId: 'hello',
      scriptFile: 'hello.js',
      directory: '/app/dist/functions',
      rawBindings: [
        JSON.stringify({ type: 'httpTrigger', direction: 'in', methods: ['GET'], name: 'httpTrigger1' }),
        JSON.stringify({ type: 'http', direction: 'out', name: '$return' }),
      ],
    });
    expect(fn?.triggerBindingName).toBe('httpTrigger1');
  });

  test('a function registered outside loading gets scriptFile "unknown"', () => {
    const registry = new FunctionRegistry();
    registry.register(httpMetadata('hello'), () => undefined);
    expect(registry.get('hello')?.metadata.scriptFile).toBe('unknown');
  });

  test('rejects a second function with the same id', () => {
    const registry = new FunctionRegistry();
    registry.register(httpMetadata('a', 'same'), () => undefined);
    expect(() => registry.register(httpMetadata('b', 'same'), () => undefined)).toThrow(
      "A function with id 'same' has already been registered.",
    );
    expect(() => registry.register(httpMetadata('same'), () => undefined)).toThrow(/already been registered/);
  });

  test('rejects registrations and disposals once locked', () => {
    const registry = new FunctionRegistry();
    const disposable = registry.register(httpMetadata('a'), () => undefined);
    registry.lock();
    expect(() => registry.register(httpMetadata('b'), () => undefined)).toThrow(
      'A function can only be registered during app startup.',
    );
    expect(() => disposable.dispose()).toThrow(/during app startup/);
    expect(registry.list()).toHaveLength(1);
  });

  test('disposing before the lock removes the function', () => {
    const registry = new FunctionRegistry();
    registry.register(httpMetadata('a'), () => undefined).dispose();
    expect(registry.list()).toEqual([]);
  });

  test('rejects a function without a trigger or without a callback, naming it', () => {
    const registry = new FunctionRegistry();
    expect(() =>
      registry.register(
        { name: 'noTrigger', bindings: { out: { type: 'http', direction: 'out' } } },
        () => 1,
      ),
    ).toThrow("Function 'noTrigger' has no trigger binding");
    expect(() => registry.register(httpMetadata('noCallback'), undefined)).toThrow(
      "Function 'noCallback' was registered without a callback.",
    );
  });
});

describe('HookRegistry', () => {
  test('runs hooks of one kind in registration order, awaiting each', async () => {
    const hooks = new HookRegistry();
    const order: string[] = [];
    hooks.register('preInvocation', async () => {
      await Promise.resolve();
      order.push('first');
    });
    hooks.register('preInvocation', () => order.push('second'));
    hooks.register('postInvocation', () => order.push('other kind'));
    await hooks.run('preInvocation', {});
    expect(order).toEqual(['first', 'second']);
  });

  test('a disposed hook no longer runs', async () => {
    const hooks = new HookRegistry();
    const calls: string[] = [];
    hooks.register('appStart', () => calls.push('kept'));
    hooks.register('appStart', () => calls.push('disposed')).dispose();
    await hooks.run('appStart', {});
    expect(calls).toEqual(['kept']);
  });

  test('an unknown hook name is a RangeError listing the valid names', () => {
    expect(() => new HookRegistry().register('onSomething', () => undefined)).toThrow(RangeError);
    expect(() => new HookRegistry().register('onSomething', () => undefined)).toThrow(/preInvocation/);
  });
});
