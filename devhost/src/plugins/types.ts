/**
 * The plugin contract: what a trigger server or service (durable engine, timer triggers, the local
 * stack) receives from devhost and must provide. Apart from the worker's RPC types on purpose:
 * plugins see the loaded app only through `FunctionAppHandle`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock/clock';
import type { Logger } from '../log/logger';
import type { DisposableLike, FunctionAppHandle } from '../worker/types';

/**
 * A trigger server or service that plugs into devhost (durable engine, timer triggers,
 * emulators). `startDevhost` starts plugins in order after the app is loaded and the public HTTP
 * server listens (no request reaches the app or a plugin's paths before every plugin started),
 * and stops them in reverse order before the app terminates.
 */
export interface DevhostPlugin {
  readonly name: string;
  /** Trigger binding types this plugin serves (e.g. `orchestrationTrigger`); used to warn about the rest. */
  readonly triggerTypes: readonly string[];
  start(context: PluginContext): Promise<void>;
  /**
   * Called first when the host begins to stop, before the HTTP requests still running finish
   * (they may still call the plugin): take no new work from now on.
   */
  stopTakingWork?(): void;
  /**
   * Stops. Work still running may finish until `shutdown.deadline`; what runs after it is handed
   * back (its queue messages visible again), so nothing is lost and the next start runs it.
   */
  stop(shutdown?: ShutdownContext): Promise<void>;
}

export interface ShutdownContext {
  /** Epoch ms (real time) by which running work should be done. */
  readonly deadline: number;
}

/** Handles a request on a host-owned path of the public server. */
export type HostRequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  context: {
    /** The request URL resolved against its Host header: read its path and query, never build links from it. */
    url: URL;
    /** The public origin, e.g. `http://127.0.0.1:7071`: every link devhost hands out starts with it. */
    origin: string;
    /** The body, rejecting with `BodyTooLargeError` past the host's size limit, `BodyTimeoutError` past its time limit. */
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
  /**
   * Called when `--watch` has loaded a rebuilt app, before it takes over any work: the reload waits
   * for the listener (e.g. to check what the new build would do to the instances in flight).
   * Provided by hosts that reload the app.
   */
  onAppReloading?(listener: (next: ReloadingApp) => void | Promise<void>): DisposableLike;
}

/** A rebuilt app, loaded but not yet the one devhost runs. */
export type ReloadingApp = Pick<FunctionAppHandle, 'directory' | 'functions' | 'invoke'>;
