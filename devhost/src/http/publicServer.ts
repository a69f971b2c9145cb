/**
 * The public HTTP listener: CORS, the readiness gate (nothing passes before the host is ready,
 * nothing new once it stops), the bound on requests running at once, host-owned paths mounted by
 * plugins (e.g. `/runtime/webhooks/durabletask/`), then the function routes. Reads bodies with a
 * size and a time limit (`requestLimits.ts`).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log/logger';
import { applyCors, type CorsOptions } from './cors';
import { httpErrors, sendError } from './errors';
import { Readiness } from './readiness';
import { applyRequestLimits, defaultRequestLimits, serverOptions, type RequestLimits } from './requestLimits';

/** Azure's limit on an HTTP request (100 MB). */
export const defaultMaxRequestBodyBytes = 100 * 1024 * 1024;

/**
 * How long an idle keep-alive connection stays open: Kestrel's default (130 s), which the
 * Functions host and the extension's RPC listener run on. It must outlast the clients' own idle
 * timeout (Node's global agent, which axios and so the Durable SDK use: 5 s; undici: 4 s), so the
 * client always closes first; with Node's default of 5 s both sides closed at the same moment and a
 * request sent on the dying connection failed with ECONNRESET.
 */
const keepAliveTimeoutMs = 130_000;

/** Applies {@link keepAliveTimeoutMs}; `headersTimeout` must stay above it. */
export function alignKeepAlive(server: http.Server): void {
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = keepAliveTimeoutMs + 1_000;
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** The body did not arrive within the request time limit. */
export class BodyTimeoutError extends Error {
  override readonly name = 'BodyTimeoutError';
}

export interface RequestContext {
  /** The request URL resolved against the request's Host (or the public origin). */
  url: URL;
  /** The public origin devhost listens on, e.g. `http://127.0.0.1:7071`. */
  origin: string;
  /** The whole body; BodyTooLargeError beyond the size limit, BodyTimeoutError beyond the time limit. */
  readBody(): Promise<Buffer>;
}

export type RequestHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  context: RequestContext,
) => void | Promise<void>;

export interface PublicServerOptions {
  host: string;
  port: number;
  maxRequestBodyBytes: number;
  cors: CorsOptions;
  logger: Logger;
  /** Serves every request no mount claims (the function routes). */
  fallback: RequestHandler;
  /** The gate every request passes first. Default: a gate that is open at once (tests of the server alone). */
  readiness?: Readiness;
  /** Time and concurrency bounds; default {@link defaultRequestLimits}. */
  limits?: RequestLimits;
}

export interface PublicServer {
  readonly port: number;
  readonly origin: string;
  /** Serves every path starting with `prefix` (e.g. `/runtime/webhooks/durabletask/`) before function routes. */
  mount(prefix: string, handler: RequestHandler): { dispose(): void };
  close(): Promise<void>;
}

class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `Port ${port} on ${host} is already in use. Pass --port <n> to pick another, or --port 0 for any free port.`,
    );
  }
}

export async function startPublicServer(options: PublicServerOptions): Promise<PublicServer> {
  const mounts: { prefix: string; handler: RequestHandler }[] = [];
  let origin = '';
  const readiness = options.readiness ?? openGate();
  const limits = options.limits ?? defaultRequestLimits;
  let lastBusyWarning: number | undefined;
  const server = http.createServer(serverOptions(limits), (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      options.logger.error(`devhost failed on ${req.method} ${redactUrl(req.url)}: ${String(err)}`, {
        stack: err instanceof Error ? err.stack : undefined,
      });
      sendError(res, httpErrors.internal);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const bodyDeadline = Date.now() + limits.requestTimeoutMs;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host ?? origin.slice('http://'.length)}`);
    } catch {
      sendError(res, httpErrors.badRequest, 'The request URL or Host header is malformed.');
      return;
    }
    if (applyCors(options.cors, req, res, origin)) return;
    const refusal = await readiness.admit();
    if (refusal) {
      req.resume();
      if (refusal === httpErrors.hostStopping) res.setHeader('connection', 'close');
      sendError(res, refusal);
      return;
    }
    if (readiness.inFlight >= limits.maxConcurrentRequests) {
      req.resume();
      res.setHeader('connection', 'close');
      sendError(res, httpErrors.hostBusy, `${readiness.inFlight} requests are running.`);
      // At most one line every 10 s, not one per refused request.
      if (lastBusyWarning === undefined || Date.now() - lastBusyWarning > 10_000) {
        lastBusyWarning = Date.now();
        options.logger.warn(
          `${readiness.inFlight} requests are running (--max-concurrent-requests): new ones get 503 until some end.`,
        );
      }
      return;
    }
    const done = readiness.begin();
    try {
      const context: RequestContext = {
        url,
        origin,
        readBody: () => readBody(req, options.maxRequestBodyBytes, bodyDeadline),
      };
      const lowerPath = url.pathname.toLowerCase();
      const mount = mounts.find((m) => lowerPath.startsWith(m.prefix));
      await (mount ? mount.handler : options.fallback)(req, res, context);
    } finally {
      done();
    }
  }
  alignKeepAlive(server);
  applyRequestLimits(server, limits);

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(options.host, options.port) : err);
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  origin = `http://${hostForUrl.includes(':') ? `[${hostForUrl}]` : hostForUrl}:${port}`;

  return {
    port,
    origin,
    mount(prefix, handler) {
      const entry = { prefix: prefix.toLowerCase(), handler };
      mounts.push(entry);
      // Longest prefix first, so a specific mount wins over a general one.
      mounts.sort((a, b) => b.prefix.length - a.prefix.length);
      return {
        dispose() {
          const index = mounts.indexOf(entry);
          if (index >= 0) mounts.splice(index, 1);
        },
      };
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running (e.g. a function that never returns) do not hold shutdown up.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
    },
  };
}

function openGate(): Readiness {
  const readiness = new Readiness(0);
  readiness.markRunning();
  return readiness;
}

/**
 * The request target with secret query values hidden, for logs: approval links carry one-time
 * `token`s, and function keys travel as `code`.
 */
export function redactUrl(url: string | undefined): string {
  return (url ?? '/').replace(/([?&](?:token|code)=)[^&#]*/gi, '$1<redacted>');
}

/** The body, up to `limit` bytes, by `deadline` (epoch ms) when one is given. */
export function readBody(req: http.IncomingMessage, limit: number, deadline?: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(`The body (${declared} bytes) exceeds ${limit} bytes.`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: Error): void => {
      failed = true;
      clearTimeout(timer);
      reject(error);
    };
    const timer =
      deadline === undefined
        ? undefined
        : setTimeout(
            () => fail(new BodyTimeoutError(`${size} bytes of the body arrived in time.`)),
            Math.max(0, deadline - Date.now()),
          );
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        fail(new BodyTooLargeError(`The body exceeds ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) fail(err);
    });
  });
}

/**
 * Answers a body that `readBody` refused: 413 past the size limit, 408 past the time limit (both
 * closing the connection, since the rest of the body is not read), 400 for a broken stream.
 */
export function sendBodyReadError(res: http.ServerResponse, error: unknown): void {
  if (error instanceof BodyTooLargeError || error instanceof BodyTimeoutError) {
    res.setHeader('connection', 'close');
    sendError(
      res,
      error instanceof BodyTooLargeError ? httpErrors.payloadTooLarge : httpErrors.requestTimeout,
      error.message,
    );
    return;
  }
  sendError(res, httpErrors.badRequest, error instanceof Error ? error.message : String(error));
}
