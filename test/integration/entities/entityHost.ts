import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';

/** The user state of an entity as the Durable HTTP API reads it, parsed. */
export async function entityState(host: TestHost, name: string, key: string): Promise<unknown> {
  const read = await host.client.readEntityState(name, key);
  return read.exists && read.state !== null ? (JSON.parse(read.state) as unknown) : undefined;
}

/** An HTTP endpoint an entity operation calls and that answers only when the test says so. */
export interface Gate {
  readonly url: string;
  /** Resolves when the entity's request arrived (its batch is running). */
  readonly requested: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

export async function openGate(): Promise<Gate> {
  let arrived!: () => void;
  const requested = new Promise<void>((resolve) => (arrived = resolve));
  const waiting: ServerResponse[] = [];
  let open = false;
  const server = createServer((_req, res) => {
    arrived();
    if (open) res.end('ok');
    else waiting.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/gate`,
    requested,
    release() {
      open = true;
      for (const res of waiting.splice(0)) res.end('ok');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
