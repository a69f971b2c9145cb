import * as net from 'node:net';
import { freePorts, freeStackPorts } from '../../../../devhost/src/emulators/testing';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freePorts', () => {
  it('picks different ports, each free to listen on once picked', async () => {
    const ports = await freePorts(16);
    expect(new Set(ports).size).toBe(16);
    const servers = await Promise.all(ports.map(listen));
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('gives the local stack four different ports', async () => {
    const { blob, queue, table, cosmos } = await freeStackPorts();
    expect(new Set([blob, queue, table, cosmos]).size).toBe(4);
  });
});
