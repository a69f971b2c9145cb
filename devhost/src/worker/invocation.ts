/**
 * Runs one invocation through the app's own programming model, in the order the Node worker uses:
 * getInvocationModel → getArguments → preInvocation hooks → invokeFunction → postInvocation hooks
 * → getResponse. Any throw (app code, hooks, conversion), an unhandled rejection raised by the
 * invocation, or the functionTimeout turns into a failure outcome; nothing escapes to the caller.
 */
import { randomUUID } from 'node:crypto';
import { runForTarget, type CoreTarget } from './coreModule';
import type { CoreInvocationContext, CoreLogCategory, CoreLogLevel, RpcInvocationRequest } from './coreTypes';
import { ensureError, FunctionTimeoutError, MissingInputProviderError } from './errors';
import type { RegistryEntry } from './functionRegistry';
import type { InputProviderRegistry } from './inputProviders';
import { runInFaultScope } from './processGuards';
import type { InvocationOutcome, InvocationRequest, RpcParameterBinding } from './types';

export interface InvocationDeps {
  target: CoreTarget;
  inputProviders: InputProviderRegistry;
  /** Shared by every hook of the app (`appHookData`). */
  appHookData: Record<string, unknown>;
  /** host.json functionTimeout in ms; undefined = unlimited. */
  timeoutMs: number | undefined;
  /** A fault raised by work the invocation left running after it completed. */
  onLateFault(error: Error, invocationId: string): void;
  /** Receives the app's `context.log` lines. */
  onLog(
    level: CoreLogLevel,
    category: CoreLogCategory,
    message: string,
    invocationId: string,
    invocationContext: unknown,
  ): void;
}

export async function invoke(
  deps: InvocationDeps,
  fn: RegistryEntry,
  request: InvocationRequest,
): Promise<InvocationOutcome> {
  const invocationId = request.invocationId ?? randomUUID();
  const started = performance.now();
  const durationMs = (): number => Math.round((performance.now() - started) * 100) / 100;
  const fail = (error: Error): InvocationOutcome => ({
    status: 'failure',
    invocationId,
    error,
    durationMs: durationMs(),
  });

  let inputData: RpcParameterBinding[];
  try {
    inputData = await collectInputs(deps.inputProviders, fn, request);
  } catch (err) {
    return fail(ensureError(err));
  }

  let rejectFault: (error: Error) => void = () => undefined;
  const faulted = new Promise<never>((_, reject) => (rejectFault = reject));
  let timer: NodeJS.Timeout | undefined;
  const timedOut =
    deps.timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new FunctionTimeoutError(fn.name, deps.timeoutMs!)),
            deps.timeoutMs,
          );
          timer.unref?.();
        });

  let settled = false;
  const scope = {
    fail: (error: Error) => (settled ? deps.onLateFault(error, invocationId) : rejectFault(error)),
  };
  const pipeline = runForTarget(deps.target, () =>
    runInFaultScope(scope, () => runPipeline(deps, fn, invocationId, inputData, request)),
  );
  // The pipeline may lose the race (timeout, fault) and settle later: never let that surface.
  pipeline.catch(() => undefined);
  try {
    const response = await Promise.race([pipeline, faulted, ...(timedOut ? [timedOut] : [])]);
    return { status: 'success', invocationId, ...response, durationMs: durationMs() };
  } catch (err) {
    return fail(ensureError(err));
  } finally {
    settled = true;
    if (timer) clearTimeout(timer);
  }
}

async function collectInputs(
  providers: InputProviderRegistry,
  fn: RegistryEntry,
  request: InvocationRequest,
): Promise<RpcParameterBinding[]> {
  const inputData: RpcParameterBinding[] = [{ name: fn.triggerBindingName, data: request.triggerData }];
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (name === fn.triggerBindingName || binding.direction !== 'in') continue;
    const provider = providers.get(binding.type);
    if (!provider) throw new MissingInputProviderError(fn.name, name, binding.type, providers.types());
    const data = await provider({ ...binding, name }, fn, request);
    if (data !== undefined) inputData.push({ name, data });
  }
  return inputData;
}

async function runPipeline(
  deps: InvocationDeps,
  fn: RegistryEntry,
  invocationId: string,
  inputData: RpcParameterBinding[],
  request: InvocationRequest,
): Promise<{ returnValue?: InvocationOutcomeValue; outputData: RpcParameterBinding[] }> {
  const model = deps.target.programmingModel;
  if (!model) {
    throw new Error(
      `Function '${fn.name}' was registered without a programming model: the app must register ` +
        `functions through @azure/functions v4 (app.http, app.generic, ...).`,
    );
  }
  const rpcRequest: RpcInvocationRequest = {
    invocationId,
    functionId: fn.metadata.functionId ?? fn.name,
    inputData,
    triggerMetadata: request.triggerMetadata ?? {},
    ...(request.retryContext && { retryContext: request.retryContext }),
  };
  // Known once getArguments has built it; log hooks receive it.
  const current: { context?: unknown } = {};
  const coreContext: CoreInvocationContext = {
    invocationId,
    request: rpcRequest,
    metadata: fn.metadata,
    state: undefined,
    log: (level, category, message) => deps.onLog(level, category, message, invocationId, current.context),
  };
  const invocationModel = await model.getInvocationModel(coreContext);
  const { context, inputs } = await invocationModel.getArguments();
  current.context = context;
  const hookData: Record<string, unknown> = {};

  const pre = readonlyFields(
    { hookData, appHookData: deps.appHookData, invocationContext: context },
    { inputs, functionCallback: fn.callback },
  );
  coreContext.state = 'preInvocationHooks';
  try {
    await deps.target.hooks.run('preInvocation', pre);
  } finally {
    coreContext.state = undefined;
  }

  let result: unknown = null;
  let error: unknown = null;
  coreContext.state = 'invocation';
  try {
    result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (err) {
    error = err;
  } finally {
    coreContext.state = undefined;
  }

  const post = readonlyFields(
    { hookData, appHookData: deps.appHookData, invocationContext: context, inputs: pre.inputs },
    { result, error },
  );
  coreContext.state = 'postInvocationHooks';
  try {
    await deps.target.hooks.run('postInvocation', post);
  } finally {
    coreContext.state = undefined;
  }
  if (post.error !== null && post.error !== undefined) throw ensureError(post.error);

  const response = await invocationModel.getResponse(context, post.result);
  return {
    ...(response.returnValue ? { returnValue: response.returnValue } : {}),
    outputData: response.outputData ?? [],
  };
}

type InvocationOutcomeValue = NonNullable<Extract<InvocationOutcome, { status: 'success' }>['returnValue']>;

/**
 * A hook context: the shared objects are read-only (assigning throws in the app's strict code, as
 * in the worker); the rest are plain fields hooks may replace.
 */
function readonlyFields<M extends Record<string, unknown>>(
  fixed: Record<string, unknown>,
  mutable: M,
): M & Record<string, unknown> {
  const context: Record<string, unknown> = { ...mutable };
  for (const [key, value] of Object.entries(fixed)) {
    Object.defineProperty(context, key, { value, enumerable: true, writable: false });
  }
  return context as M & Record<string, unknown>;
}
