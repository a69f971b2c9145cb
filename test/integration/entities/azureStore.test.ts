import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { durablePlugin } from '../../../devhost/src/durable/engine/durablePlugin';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { startDevhost, type Devhost } from '../../../devhost/src/startDevhost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';
import { startTestAzurite, type TestAzurite } from '../../support/azuriteProcess';
import { entityAppDir } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

/** Polls (real time) until `check` holds. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Entity state lives in the task hub: a second devhost over the same Azure Storage account (in-memory
 * Azurite) reads and continues it. Real clock, since the azure store's queues are polled.
 */
describe('entities on the azure store', () => {
  let azurite: TestAzurite;
  const env = nativeProcess().env;
  const saved = env.AzureWebJobsStorage;
  beforeAll(async () => {
    azurite = await startTestAzurite();
    env.AzureWebJobsStorage = azurite.connectionString;
  });
  afterAll(async () => {
    if (saved === undefined) delete env.AzureWebJobsStorage;
    else env.AzureWebJobsStorage = saved;
    await azurite.stop();
  });

  async function start(): Promise<{
    devhost: Devhost;
    plugin: ReturnType<typeof durablePlugin>;
    stateDir: string;
  }> {
    const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'devhost-entities-'));
    const plugin = durablePlugin({ storage: 'azure', rpcPort: 0 });
    const devhost = await startDevhost({
      appDir: entityAppDir,
      port: 0,
      stateDir,
      logger: createMemoryLogger(),
      banner: false,
      plugins: [plugin],
    });
    return { devhost, plugin, stateDir };
  }

  it('keeps entity state across a devhost restart', async () => {
    const key = uniqueId('survives');
    const first = await start();
    const ops = first.plugin.engine!.operations;
    await ops.signalEntity('Counter', key, 'add', '5');
    await eventually(
      () => ops.readEntityState('Counter', key),
      (r) => r.state === '5',
    );
    const { instanceId: id } = await ops.startNew({
      orchestratorName: 'CallCounter',
      input: JSON.stringify(key),
    });
    await eventually(
      () => ops.getStatus(id),
      (s) => s?.runtimeStatus === 'Completed',
    );
    await first.devhost.stop();

    const second = await start();
    const again = second.plugin.engine!.operations;
    expect(await again.readEntityState('Counter', key)).toEqual({ exists: true, state: '10' });
    await again.signalEntity('Counter', key, 'add', '1');
    await eventually(
      () => again.readEntityState('Counter', key),
      (r) => r.state === '11',
    );
    await second.devhost.stop();
  });
});
