import * as net from 'node:net';
import { deleteRunData, SharedStacks } from '../../../bench/stacks';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const queuePort = (connectionString: string | undefined): number =>
  Number(/QueueEndpoint=http:\/\/127\.0\.0\.1:(\d+)/.exec(connectionString ?? '')?.[1]);

describe("the benchmark's emulator stacks", () => {
  const stacks = new SharedStacks();
  afterAll(() => stacks.stopAll());

  it('starts the in-memory stack afresh for each run, so no run inherits the sweep of the one before', async () => {
    const first = await stacks.stack('memory');
    expect(first.throwaway).toBe(true);
    const firstPort = queuePort(first.azurite?.connectionString);
    expect(await accepts(firstPort)).toBe(true);
    await stacks.retire('memory');
    expect(await accepts(firstPort)).toBe(false);
    // What a run left went with its stack: nothing to delete, nothing asked of the stopped Azurite
    // (which would fail).
    await expect(
      deleteRunData({ stack: first, hubName: 'BenchGone', target: 'azure-memory' }),
    ).resolves.toBeUndefined();

    const second = await stacks.stack('memory');
    const secondPort = queuePort(second.azurite?.connectionString);
    expect(secondPort).not.toBe(firstPort);
    expect(await accepts(secondPort)).toBe(true);
  }, 60_000);
});
