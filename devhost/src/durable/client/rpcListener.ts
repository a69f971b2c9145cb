/**
 * The loopback-only listener the SDK's `DurableClient` calls (the extension's `LocalHttpListener`):
 * 127.0.0.1 only, port 17071 when free, otherwise any free port, path base `/durabletask/`, no key.
 * Nothing on it is reachable from another machine, which is why it may skip the key check. Web
 * pages on this machine can still make a browser send it requests, so it ignores CORS settings and
 * refuses any request that carries a browser `Origin` or a `Host` other than its own, and any POST
 * that is not JSON (the SDK always sends JSON): a page cannot start, signal or terminate anything.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { foreignRequestProblem } from '../../http/cors';
import { sendError } from '../../http/errors';
import { alignKeepAlive } from '../../http/publicServer';

export const RPC_DEFAULT_PORT = 17071;
export const RPC_BASE_PATH = '/durabletask/';
const LOOPBACK = '127.0.0.1';

export interface RpcListener {
  /** `http://127.0.0.1:<port>/durabletask/` (trailing slash: the SDK resolves paths against it). */
  readonly rpcBaseUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startRpcListener(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  preferredPort: number = RPC_DEFAULT_PORT,
): Promise<RpcListener> {
  let port = 0;
  const server = createServer((req, res) => {
    const problem = foreignRequestProblem(`http://${LOOPBACK}:${port}`, req, { requireJson: true });
    if (problem) {
      req.resume();
      sendError(res, problem.spec, problem.detail);
      return;
    }
    handler(req, res);
  });
  // The SDK's client keeps connections alive: the listener must not close them under it.
  alignKeepAlive(server);
  try {
    port = await listen(server, preferredPort);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || preferredPort === 0) throw error;
    port = await listen(server, 0);
  }
  return {
    rpcBaseUrl: `http://${LOOPBACK}:${port}${RPC_BASE_PATH}`,
    port,
    close: () => closeServer(server),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOOPBACK);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
