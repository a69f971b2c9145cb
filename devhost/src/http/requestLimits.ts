/**
 * The public listener's bounds on what clients may hold: how long a request may take to arrive
 * (headers and body), how many requests run at once, how many connections stay open. Each answers
 * with devhost's JSON error body where HTTP still allows an answer (408, 503 with `Retry-After`),
 * so a slow or greedy client gets a clear refusal and the host keeps serving the others.
 */
import {
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, httpErrors, type HttpErrorSpec } from './errors';

export interface RequestLimits {
  /**
   * How long a client may take to send a request, headers and body: Kestrel's request headers
   * timeout (30 s), which the Functions host runs on, applied to the body as well (Node has no
   * minimum data rate, Kestrel's guard for bodies).
   */
  requestTimeoutMs: number;
  /** Requests admitted at once; past it, 503 with `Retry-After`. */
  maxConcurrentRequests: number;
}

export const defaultRequestLimits: RequestLimits = {
  requestTimeoutMs: 30_000,
  maxConcurrentRequests: 200,
};

/**
 * Beyond this many open connections Node closes new ones at once, without an answer: a backstop
 * against idle sockets piling up, well above the request limit, which answers first.
 */
function maxConnectionsFor(limits: RequestLimits): number {
  return Math.max(1_000, 4 * limits.maxConcurrentRequests);
}

/**
 * Options for `http.createServer`: Node checks its header and request timers every
 * `connectionsCheckingInterval` (30 s by default, which would let a timeout run up to 30 s late).
 */
export function serverOptions(limits: RequestLimits): ServerOptions {
  return {
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(limits.requestTimeoutMs / 4))),
  };
}

/**
 * Applies the limits to a server made with {@link serverOptions}. The body's deadline is kept by
 * `readBody` (408 through the handler that reads it); Node's own request timer is a backstop for a
 * handler that never reads a slow body, and its header timer bounds a client that never finishes
 * its headers (or never sends any). Node 20 runs the header timer from the first byte of each
 * request, so idle keep-alive connections (130 s) are not cut by it.
 */
export function applyRequestLimits(server: Server, limits: RequestLimits): void {
  server.headersTimeout = limits.requestTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs + 10_000;
  server.maxConnections = maxConnectionsFor(limits);
  const responses = new WeakMap<Socket, ServerResponse>();
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    responses.set(req.socket, res);
    res.once('finish', () => {
      if (responses.get(req.socket) === res) responses.delete(req.socket);
    });
  });
  // Node answers client errors with a bare status line; devhost answers with its JSON error body,
  // under the same rule: only while no response has started on the socket.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const started = responses.get(socket)?.headersSent ?? false;
    if (socket.writable && !started) socket.write(rawErrorResponse(clientErrorSpec(error), error.code));
    socket.destroy(error);
  });
}

function clientErrorSpec(error: NodeJS.ErrnoException): HttpErrorSpec {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return httpErrors.requestTimeout;
    case 'HPE_HEADER_OVERFLOW':
      return httpErrors.headersTooLarge;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return httpErrors.payloadTooLarge;
    default:
      return httpErrors.badRequest;
  }
}

/** A whole HTTP/1.1 response, for a socket that has no `ServerResponse` to write it. */
function rawErrorResponse(spec: HttpErrorSpec, code: string | undefined): Buffer {
  const body = JSON.stringify(
    errorBody(
      spec,
      spec === httpErrors.badRequest && code ? `It is not valid HTTP/1.1 (${code}).` : undefined,
    ),
  );
  const head = [
    `HTTP/1.1 ${spec.status} ${STATUS_CODES[spec.status] ?? ''}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-devhost-error: ${spec.code}`,
    'connection: close',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}
