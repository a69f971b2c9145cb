/**
 * `devhost check` against task hubs holding orders the unchanged app left in flight (each waiting to
 * retry its reservation), checked with a copy of the app whose processOrder swaps two activity calls:
 * the Azure Storage hub read from its tables while its devhost still runs, and the memory hub of a
 * running devhost through its HTTP API.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VirtualClock } from '../../../devhost/src/clock/virtualClock';
import { durablePlugin, type DurablePlugin } from '../../../devhost/src/durable/engine/durablePlugin';
import type { DurableEngine } from '../../../devhost/src/durable/engine/durableEngine';
import { testAzurite } from '../../../devhost/src/emulators/testing';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { EventType } from '../../../devhost/src/protocol/history';
import { startDevhost, type Devhost } from '../../../devhost/src/startDevhost';
import { runCheckCommand } from '../../../devhost/src/testing/checkCli';
import { checkInFlight, storeInstances } from '../../../devhost/src/testing/inFlightCheck';
import { loadReplayer } from '../../../devhost/src/testing/replay';
import { startTestHost, type TestHost } from '../../../devhost/src/testing/startTestHost';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';
import { copyBuiltApp, swap, type AppCopy } from '../../support/appCopy';
import { uniqueHubName } from '../../support/azuriteProcess';

jest.setTimeout(90_000);

const ORDER = 'dist/src/orchestrators/processOrder.js';
const STEP = "expected activity 'ReserveInventory' at sequence 2, found activity 'ProcessPayment'";

const order = (id: string) => ({
  order: {
    id,
    customerId: 'cust-inflight',
    items: [{ productId: 'widget-1', quantity: 1, unitPrice: 19.99 }],
    currency: 'USD',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '1', country: 'US' },
  },
  paymentTokenRef: '3f1c2b9e-8a4d-4e6f-b1a2-9c8d7e6f5a4b',
});

/** Validation passes and the reservation keeps failing: each order waits for its retry timer. */
function reservationDown(engine: DurableEngine): void {
  engine.activityOverrides.set('validateorder', () => ({ valid: true, totalCents: 1999 }));
  engine.activityOverrides.set('reserveinventory', () => {
    throw new Error('The inventory store is unavailable (503)');
  });
}

async function waitingForRetry(engine: DurableEngine, ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const id of ids) {
    for (;;) {
      const history = (await engine.operations.getHistory(id)) ?? [];
      if (history.some((e) => e.EventType === EventType.TimerCreated)) break;
      if (Date.now() > deadline) throw new Error(`${id} never got to its retry timer.`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function check(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCheckCommand(argv, {
    out: { write: (text: string) => out.push(text) },
    err: { write: (text: string) => err.push(text) },
    logger: createMemoryLogger(),
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('devhost check lists the in-flight instances a changed build would fail', () => {
  let original: AppCopy;
  let swapped: AppCopy;
  beforeAll(async () => {
    [original, swapped] = await Promise.all([copyBuiltApp('inflight-old-'), copyBuiltApp('inflight-new-')]);
    swapped.edit(ORDER, (source) =>
      swap(source, 'reserveInventory_1.ReserveInventory.run', 'processPayment_1.ProcessPayment.run'),
    );
  });
  afterAll(async () => {
    await original?.remove();
    await swapped?.remove();
  });

  it('reads an Azure Storage task hub while its devhost runs, and exits 1 naming each order and its step', async () => {
    const azurite = await testAzurite();
    const env = nativeProcess().env;
    const settings = {
      AzureWebJobsStorage: azurite.connectionString,
      TASKHUB_NAME: uniqueHubName('inflight'),
    };
    const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, env[k]]));
    Object.assign(env, settings);
    const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'inflight-state-'));
    const durable: DurablePlugin = durablePlugin({ storage: 'azure', rpcPort: 0 });
    let host: Devhost | undefined;
    try {
      host = await startDevhost({
        appDir: original.dir,
        port: 0,
        stateDir,
        logger: createMemoryLogger(),
        banner: false,
        clock: new VirtualClock(),
        plugins: [durable],
      });
      const engine = durable.engine!;
      reservationDown(engine);
      const ids = ['order-az-1', 'order-az-2'];
      for (const id of ids) {
        await engine.operations.startNew({
          orchestratorName: 'processOrder',
          instanceId: id,
          input: JSON.stringify(order(id.slice('order-'.length))),
        });
      }
      await waitingForRetry(engine, ids);

      const changed = await check(['--app-dir', swapped.dir, '--storage', 'azure', '--state-dir', stateDir]);
      expect(changed.err).toBe('');
      expect(changed.code).toBe(1);
      expect(changed.out).toContain(`task hub '${settings.TASKHUB_NAME}' in Azure Storage`);
      expect(changed.out).toContain('2 would fail once this build takes over:');
      for (const id of ids) expect(changed.out).toContain(`  ${id} (processOrder, Running): ${STEP}`);

      const same = await check(['--app-dir', original.dir, '--storage', 'azure', '--state-dir', stateDir]);
      expect(same).toMatchObject({ code: 0, out: expect.stringContaining('None would fail') as unknown });
      // Nothing moved: the orders still wait where they were.
      for (const id of ids) expect((await engine.operations.getStatus(id))?.runtimeStatus).toBe('Running');
    } finally {
      await host?.stop();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      await fs.promises.rm(stateDir, { recursive: true, force: true });
    }
  });

  describe('on the memory task hub of a running devhost', () => {
    let host: TestHost;
    const ids = ['order-mem-1', 'order-mem-2', 'order-mem-3'];
    beforeAll(async () => {
      host = await startTestHost({ appDir: original.dir, clock: 'virtual' });
      reservationDown(host.engine);
      for (const id of ids) {
        await host.start('processOrder', { instanceId: id, input: order(id.slice('order-'.length)) });
      }
      await host.runUntilIdle();
    });
    afterAll(async () => {
      await host?.stop();
    });

    it('asks it through its Durable HTTP API', async () => {
      const changed = await check(['--app-dir', swapped.dir, '--url', host.baseUrl]);
      expect(changed.code).toBe(1);
      for (const id of ids) expect(changed.out).toContain(`  ${id} (processOrder, Running): ${STEP}`);
      expect(await check(['--app-dir', original.dir, '--url', host.baseUrl])).toMatchObject({ code: 0 });
    });

    it('reads its store in-process (the API tests and --watch use)', async () => {
      const replayer = await loadReplayer({ appDir: swapped.dir });
      try {
        const report = await checkInFlight(replayer, storeInstances(host.engine.store));
        expect(report.checked.filter((id) => ids.includes(id)).sort()).toEqual(ids);
        expect(report.breaking.map((f) => [f.instanceId, f.divergence])).toEqual(
          ids.map((id) => [
            id,
            { sequenceId: 2, expected: "activity 'ReserveInventory'", found: "activity 'ProcessPayment'" },
          ]),
        );
      } finally {
        await replayer.close();
      }
    });
  });

  it('says where no devhost answers, and exits 2', async () => {
    const result = await check(['--app-dir', original.dir, '--url', 'http://127.0.0.1:9']);
    expect(result).toMatchObject({
      code: 2,
      err: expect.stringContaining('No devhost answers at') as unknown,
    });
    expect(await check(['--storage', 'disk'])).toMatchObject({
      code: 2,
      err: expect.stringContaining("--storage must be 'memory' or 'azure'") as unknown,
    });
  });
});
