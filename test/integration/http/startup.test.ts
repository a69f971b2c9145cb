import * as net from 'node:net';
import { startTestHost } from './helpers';

describe('start-up checks', () => {
  test('conflicting routes stop the start with an error naming both functions', async () => {
    await expect(startTestHost('bad-routes')).rejects.toThrow(
      "The functions 'listOrders' and 'searchOrders' have the same route 'Orders' and share a method (GET)",
    );
  });

  test('a port in use is named with how to pick another', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startTestHost('http-app', { port })).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is already in use. Pass --port <n> to pick another, or --port 0 for any free port.`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
