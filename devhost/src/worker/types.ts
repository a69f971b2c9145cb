/**
 * The contract between devhost's worker seam (which loads an app through `@azure/functions-core`,
 * as the Node worker does) and the trigger servers that drive it (HTTP, durable, timer).
 * Shapes follow the RPC protocol as the core API sees it: camelCase objects, enums as strings.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock/clock';
import type { Logger } from '../log/logger';

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

/**
 * A trigger server or service that plugs into devhost (durable engine, timer triggers,
 * emulators). `startDevhost` starts plugins in order after the app is loaded and the public HTTP
 * server listens, and stops them in reverse order before the app terminates.
 */
export interface DevhostPlugin {
  readonly name: string;
  /** Trigger binding types this plugin serves (e.g. `orchestrationTrigger`); used to warn about the rest. */
  readonly triggerTypes: readonly string[];
  start(context: PluginContext): Promise<void>;
  stop(): Promise<void>;
}

/** Handles a request on a host-owned path of the public server. */
export type HostRequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  context: {
    /** The request URL resolved against its Host header. */
    url: URL;
    /** The public origin, e.g. `http://127.0.0.1:7071`. */
    origin: string;
    /** The body, rejecting with a `BodyTooLargeError` past the host's limit. */
    readBody(): Promise<Buffer>;
  },
) => void | Promise<void>;

/** What key a request to a host-owned path must present (see `devhost/http/keys.ts`). */
export type KeyRequirement =
  | 'anonymous'
  | 'function'
  | 'admin'
  | 'system'
  | 'user'
  | {
      /** A named host system key (e.g. `durabletask_extension`); the master key also passes. */
      systemKey: string;
    };

export interface PluginKeyChecker {
  /** False only when `--enforce-keys` is on and the request lacks a key meeting the requirement. */
  check(
    requirement: KeyRequirement,
    request: { headers: Record<string, string | string[] | undefined>; url: URL },
  ): boolean;
  readonly enforced: boolean;
  /** Key values, for building URLs the way the extension does (`?code=` on webhook URLs). */
  readonly keys: {
    masterKey: string;
    functionKeys: Record<string, string>;
    systemKeys: Record<string, string>;
  };
}

export interface PluginContext {
  /** The loaded app; stays valid across `--watch` reloads (it forwards to the current app). */
  readonly app: FunctionAppHandle;
  /** The app folder (host.json, package.json, `.devhost/`). */
  readonly appDir: string;
  /** devhost's state folder for this app (default `<app>/.devhost`); plugins keep their files here. */
  readonly stateDir: string;
  /** Public origin, e.g. `http://127.0.0.1:7071`: what every generated URL uses. */
  readonly origin: string;
  /** Parsed host.json (unresolved `%Setting%` references; see `devhost/config/appSettings.ts`). */
  readonly hostJson: Readonly<Record<string, unknown>>;
  /** App settings (local.settings.json `Values` merged under the environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly keys: PluginKeyChecker;
  readonly logger: Logger;
  /** devhost's one clock (real, or the virtual clock a test passed): every plugin schedules on it. */
  readonly clock: Clock;
  /** The host's request body limit (`--max-request-body-size`), for listeners a plugin runs itself. */
  readonly maxRequestBodyBytes: number;
  /** Serves paths starting with `prefix` (e.g. `/runtime/webhooks/durabletask/`) on the public server. */
  mountHttp(prefix: string, handler: HostRequestHandler): DisposableLike;
  /** Called after `--watch` reloaded the app (functions may have changed). */
  onAppReloaded(listener: () => void | Promise<void>): DisposableLike;
}
