/**
 * Requests sent as given: the path goes on the wire unnormalised (`fetch` would resolve `..` and
 * re-encode), bodies are raw bytes (non-UTF-8 included), and every answer is timed.
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface RawRequest {
  method: string;
  /** The request target exactly as sent: path and query, percent-encoding included. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** From the first byte sent to the last byte read. */
  ms: number;
}

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** Sends one request to `origin`; rejects with RequestTimeoutError after `timeoutMs`. */
export function sendRaw(origin: string, request: RawRequest, timeoutMs = 5_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(origin);
  const began = performance.now();
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: hostname,
        port,
        method: request.method,
        path: request.path,
        headers: {
          ...(request.headers ?? {}),
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            ms: performance.now() - began,
          });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new RequestTimeoutError(`No answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(request.body);
  });
}

/** Closes the kept-alive sockets (so a script or a jest file can exit). */
export function closeRawAgent(): void {
  agent.destroy();
}
