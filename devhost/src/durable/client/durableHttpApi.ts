/**
 * Wires the Durable client side for a host: the loopback RPC listener, the public webhook handler
 * (mounted by the host's HTTP server under `/runtime/webhooks/durabletask/`), and the
 * `durableClient` input binding provider whose payload points at both.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { defaultMaxRequestBodyBytes, readBody, sendBodyReadError } from '../../http/publicServer';
import type { InputBindingProvider } from '../../worker/types';
import type { Clock } from '../../clock/clock';
import { createDurableApiHandler, type DurableApiHandler } from './apiHandler';
import { buildDurableClientPayload, type DurableClientPayload } from './clientPayload';
import { createDurableClientInputProvider } from './inputProvider';
import { pathBelow, splitTarget, toApiRequest, writeApiResponse } from './nodeHttp';
import type { DurableOperations } from './operations';
import { emptyResponse, errorResponse, GENERIC_SERVER_ERROR } from './responses';
import { RPC_BASE_PATH, RPC_DEFAULT_PORT, startRpcListener } from './rpcListener';
import { WEBHOOK_PATH } from './webhookLinks';

/** Verbs the host routes to extension webhooks (`/runtime/webhooks/{extension}/{*extra}`). */
const WEBHOOK_VERBS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS']);

export interface DurableHttpApiOptions {
  operations: DurableOperations;
  clock: Clock;
  /** The host's public origin (`http://localhost:7071`); a function when it is known only after listen. */
  origin: string | (() => string);
  /** Defaults to `operations.taskHubName`. */
  taskHubName?: string;
  /** The `durabletask_extension` system key, put into every link as `code=` (absent: links carry none). */
  systemKey?: string;
  /**
   * The host's key rule for its webhooks (the system key or the master key, when keys are
   * enforced); a refused request gets an empty 401. Absent: every request may proceed.
   */
  authorize?: (request: { headers: IncomingHttpHeaders; url: URL }) => boolean;
  log?: (message: string) => void;
  /** Port to try first for the loopback listener (the extension's 17071); 0 for any free port. */
  rpcPort?: number;
  /** The host's body limit (`--max-request-body-size`), applied on the loopback listener too. */
  maxRequestBodyBytes?: number;
}

/** What the public server hands a mounted handler: the body, read within the host's limit. */
export interface PublicRequestContext {
  /** Rejects with `BodyTooLargeError` past the host's size limit, `BodyTimeoutError` past its time limit. */
  readBody(): Promise<Buffer>;
}

export interface DurableHttpApi {
  /** Serves a request whose path is below `/runtime/webhooks/durabletask` (see `isDurableWebhookPath`). */
  handlePublic(req: IncomingMessage, res: ServerResponse, context: PublicRequestContext): Promise<void>;
  readonly rpcBaseUrl: string;
  /** For binding types `durableClient` and `orchestrationClient` (`DURABLE_CLIENT_BINDING_TYPES`). */
  readonly inputProvider: InputBindingProvider;
  payload(): DurableClientPayload;
  close(): Promise<void>;
}

export function isDurableWebhookPath(url: string | undefined): boolean {
  return pathBelow(splitTarget(url).pathname, WEBHOOK_PATH) !== undefined;
}

export async function createDurableHttpApi(options: DurableHttpApiOptions): Promise<DurableHttpApi> {
  const log = options.log ?? (() => undefined);
  const taskHubName = options.taskHubName ?? options.operations.taskHubName;
  const origin = typeof options.origin === 'function' ? options.origin : () => options.origin as string;
  const handler = createDurableApiHandler({
    operations: options.operations,
    clock: options.clock,
    taskHubName,
    systemKey: options.systemKey,
    log,
  });

  const bodyLimit = options.maxRequestBodyBytes ?? defaultMaxRequestBodyBytes;
  const rpc = await startRpcListener((req, res) => {
    // Links handed out from the loopback endpoint point at the public API, where they work.
    void serve(
      handler,
      req,
      res,
      { basePath: RPC_BASE_PATH, self: new URL(rpc.rpcBaseUrl).origin },
      origin(),
      log,
      () => readBody(req, bodyLimit),
    );
  }, options.rpcPort ?? RPC_DEFAULT_PORT);

  const payload = (): DurableClientPayload =>
    buildDurableClientPayload({
      origin: origin(),
      taskHubName,
      systemKey: options.systemKey,
      rpcBaseUrl: rpc.rpcBaseUrl,
    });

  return {
    rpcBaseUrl: rpc.rpcBaseUrl,
    inputProvider: createDurableClientInputProvider(payload),
    payload,
    close: () => rpc.close(),
    handlePublic: async (req, res, context) => {
      const method = (req.method ?? 'GET').toUpperCase();
      if (!WEBHOOK_VERBS.has(method)) {
        req.resume();
        writeApiResponse(res, emptyResponse(404));
        return;
      }
      const host = req.headers.host;
      if (options.authorize) {
        const url = new URL(req.url ?? '/', `http://${host ?? new URL(origin()).host}`);
        if (!options.authorize({ headers: req.headers, url })) {
          req.resume();
          writeApiResponse(res, emptyResponse(401));
          return;
        }
      }
      // Links are built from the configured origin: a Host header is whatever the caller (or a
      // page whose DNS name points here) put in it, and must not steer where links send keys.
      await serve(handler, req, res, { basePath: WEBHOOK_PATH, self: origin() }, origin(), log, () =>
        context.readBody(),
      );
    },
  };
}

async function serve(
  handler: DurableApiHandler,
  req: IncomingMessage,
  res: ServerResponse,
  listener: { basePath: string; /** The origin of the listener the request came in on. */ self: string },
  linkOrigin: string,
  log: (message: string) => void,
  readRequestBody: () => Promise<Buffer>,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readRequestBody();
  } catch (error) {
    // As the Functions host answers for any request over its limits, webhooks included.
    sendBodyReadError(res, error);
    return;
  }
  try {
    const { pathname, search } = splitTarget(req.url);
    const path = pathBelow(pathname, listener.basePath);
    const response =
      path === undefined
        ? emptyResponse(404)
        : await handler(toApiRequest(req, body, path, search, linkOrigin, listener.self));
    writeApiResponse(res, response);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    log(`Durable HTTP API: request failed: ${failure.stack ?? failure.message}`);
    if (!res.headersSent) {
      writeApiResponse(
        res,
        errorResponse(500, GENERIC_SERVER_ERROR, { message: failure.message, type: failure.name }),
      );
    } else {
      res.destroy(failure);
    }
  }
}
