/**
 * The worker seam's types (it loads an app through `@azure/functions-core`, as the Node worker
 * does): the function app handle that trigger servers drive, and the RPC shapes of invocations.
 * Shapes follow the RPC protocol as the core API sees it: camelCase objects, enums as strings.
 */

/** One-of typed value, as in `FunctionRpc.proto` `TypedData`. Exactly one member is set. */
export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  stream?: Uint8Array;
  http?: RpcHttpData;
  int?: number;
  double?: number;
}

export interface RpcNullableString {
  value?: string;
}

export interface RpcHttpCookie {
  name: string;
  value: string;
  domain?: RpcNullableString;
  path?: RpcNullableString;
  expires?: { value?: { seconds: number; nanos?: number } };
  secure?: { value?: boolean };
  httpOnly?: { value?: boolean };
  maxAge?: { value?: number };
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone';
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  nullableHeaders?: Record<string, RpcNullableString>;
  nullableQuery?: Record<string, RpcNullableString>;
  nullableParams?: Record<string, RpcNullableString>;
  body?: RpcTypedData;
  statusCode?: string;
  cookies?: RpcHttpCookie[];
  enableContentNegotiation?: boolean;
}

export interface RpcBindingInfo {
  type: string;
  direction: 'in' | 'out' | 'inout';
  dataType?: string;
  [extra: string]: unknown;
}

export interface RpcFunctionMetadata {
  name: string;
  functionId?: string;
  scriptFile?: string;
  directory?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface RpcParameterBinding {
  name: string;
  data: RpcTypedData;
}

/** A function the app registered while it loaded. */
export interface RegisteredFunction {
  readonly name: string;
  readonly metadata: RpcFunctionMetadata;
  /** Key of the trigger binding in `metadata.bindings` (never guessed: read from the metadata). */
  readonly triggerBindingName: string;
  /** The trigger binding, e.g. `{ type: 'httpTrigger', route, methods, authLevel }`. */
  readonly trigger: RpcBindingInfo;
}

/** What a trigger server asks the worker seam to run. */
export interface InvocationRequest {
  functionName: string;
  /** Value for the trigger binding. Extra input bindings are filled by registered input providers. */
  triggerData: RpcTypedData;
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Used by input providers that need the origin of the request (durable client URLs). */
  origin?: string;
  invocationId?: string;
  /** Set by trigger servers that retry failed invocations (`retryOptions`); becomes `context.retryContext`. */
  retryContext?: RpcRetryContext;
}

/** As in `FunctionRpc.proto` `RetryContext`; the library requires both counts when present. */
export interface RpcRetryContext {
  retryCount: number;
  maxRetryCount: number;
  /** The previous attempt's error: `message`, `source`, `stackTrace` (each only when known). */
  exception?: Record<string, string>;
}

export type InvocationOutcome =
  | {
      status: 'success';
      invocationId: string;
      returnValue?: RpcTypedData;
      outputData: RpcParameterBinding[];
      durationMs: number;
    }
  | {
      status: 'failure';
      invocationId: string;
      /** The error the app's function (or its hooks) threw, or a devhost timeout error. */
      error: Error;
      durationMs: number;
    };

/**
 * Supplies the value of a non-trigger input binding (e.g. `durableClient`) for one invocation.
 * Registered per binding type on the function app.
 */
export type InputBindingProvider = (
  binding: RpcBindingInfo & { name: string },
  fn: RegisteredFunction,
  request: InvocationRequest,
) => RpcTypedData | undefined | Promise<RpcTypedData | undefined>;

/** Something that can be disposed (`@azure/functions-core` `Disposable`). */
export interface DisposableLike {
  dispose(): unknown;
}

/**
 * The loaded function app as trigger servers see it. devhost keeps one host object across app
 * reloads (`--watch`), so servers should look functions up when they need them, not cache them.
 */
export interface FunctionAppHandle {
  /** Absolute path of the app folder (host.json, package.json). */
  readonly directory: string;
  functions(): RegisteredFunction[];
  getFunction(name: string): RegisteredFunction | undefined;
  /**
   * Runs one invocation through the app's programming model. App faults (throws, unhandled
   * rejections, functionTimeout) resolve to a `failure` outcome; it rejects only for devhost
   * misuse (an unknown function name).
   */
  invoke(request: InvocationRequest): Promise<InvocationOutcome>;
  /**
   * Supplies non-trigger `in` bindings of this type (case-insensitive) for every invocation. An
   * invocation whose function has an input binding with no provider fails with a clear error.
   */
  registerInputProvider(bindingType: string, provider: InputBindingProvider): DisposableLike;
}
