/**
 * The in-flight check under --watch: a copy of the app runs orders that wait to retry their
 * reservation; the copy's processOrder is rebuilt with two activity calls swapped and reloaded (what
 * the watcher does after `npm run build`). Before the new build takes work, each waiting order is
 * named in a warning; parked, they wait through their timers until the fix is reloaded, then run on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VirtualClock } from '../../../devhost/src/clock/virtualClock';
import { durablePlugin } from '../../../devhost/src/durable/engine/durablePlugin';
import type { DurableEngine } from '../../../devhost/src/durable/engine/durableEngine';
import { createMemoryLogger } from '../../../devhost/src/log/logger';
import { EventType } from '../../../devhost/src/protocol/history';
import { startDevhost, type Devhost } from '../../../devhost/src/startDevhost';
import { inFlightGuard, type InFlightGuard } from '../../../devhost/src/testing/inFlightGuard';
import { copyBuiltApp, swap, type AppCopy } from '../../support/appCopy';

jest.setTimeout(60_000);

const ORDER = 'dist/src/orchestrators/processOrder.js';
const swapCalls = (source: string) =>
  swap(source, 'reserveInventory_1.ReserveInventory.run', 'processPayment_1.ProcessPayment.run');
const ids = ['order-parked-1', 'order-parked-2'];

const order = (id: string) =>
  JSON.stringify({
    order: {
      id,
      customerId: 'cust-parked',
      items: [{ productId: 'widget-1', quantity: 1, unitPrice: 19.99 }],
      currency: 'USD',
      shippingAddress: {
        name: 'Ada',
        line1: '1 Main St',
        city: 'Springfield',
        postalCode: '1',
        country: 'US',
      },
    },
    paymentTokenRef: '3f1c2b9e-8a4d-4e6f-b1a2-9c8d7e6f5a4b',
  });

interface Running {
  copy: AppCopy;
  host: Devhost;
  engine: DurableEngine;
  guard: InFlightGuard;
  clock: VirtualClock;
  logs: ReturnType<typeof createMemoryLogger>['records'];
  stop(): Promise<void>;
}

/** The app copy in devhost with the guard, two orders waiting for their reservation's retry timer. */
async function startWithWaitingOrders(park: boolean): Promise<Running> {
  const copy = await copyBuiltApp('guard-app-');
  const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'guard-state-'));
  const logger = createMemoryLogger();
  const clock = new VirtualClock();
  const durable = durablePlugin({ rpcPort: 0 });
  const guard = inFlightGuard({ durable, park });
  const host = await startDevhost({
    appDir: copy.dir,
    port: 0,
    stateDir,
    logger,
    banner: false,
    clock,
    plugins: [durable, guard],
  });
  const stop = async () => {
    await host.stop();
    await copy.remove();
    await fs.promises.rm(stateDir, { recursive: true, force: true });
  };
  const engine = durable.engine!;
  try {
    engine.activityOverrides.set('validateorder', () => ({ valid: true, totalCents: 1999 }));
    engine.activityOverrides.set('reserveinventory', () => {
      throw new Error('The inventory store is unavailable (503)');
    });
    for (const id of ids) {
      await engine.operations.startNew({
        orchestratorName: 'processOrder',
        instanceId: id,
        input: order(id.slice('order-'.length)),
      });
    }
    await engine.whenIdle();
    for (const id of ids) {
      expect((await engine.operations.getHistory(id))?.map((e) => e.EventType)).toContain(
        EventType.TimerCreated,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    copy,
    host,
    engine,
    guard,
    clock,
    logs: logger.records,
    stop,
  };
}

async function advance(running: Running, duration: string): Promise<void> {
  await running.clock.advance(duration);
  await running.engine.whenIdle();
}

const warnings = (running: Running) => running.logs.filter((r) => r.level === 'warn').map((r) => r.message);

describe('in-flight check before a rebuilt app takes work', () => {
  it('parks the orders the rebuild would fail, and lets them run on once a rebuild replays them', async () => {
    const running = await startWithWaitingOrders(true);
    try {
      const built = fs.readFileSync(path.join(running.copy.dir, ORDER), 'utf8');
      running.copy.edit(ORDER, swapCalls);
      await running.host.reload();
      expect(running.guard.lastReport?.breaking.map((f) => f.instanceId)).toEqual(ids);
      for (const id of ids) {
        expect(warnings(running)).toContainEqual(
          `Instance '${id}' (processOrder) would fail with the rebuilt app: expected activity 'ReserveInventory' ` +
            "at sequence 2, found activity 'ProcessPayment'. It is parked: it waits until a rebuild replays it again.",
        );
      }
      const before = await Promise.all(ids.map((id) => running.engine.operations.getHistory(id)));
      await advance(running, '1m'); // the retry timers fire: parked orders do not take them
      for (const [i, id] of ids.entries()) {
        expect(await running.engine.operations.getStatus(id)).toMatchObject({ runtimeStatus: 'Running' });
        expect(await running.engine.operations.getHistory(id)).toEqual(before[i]);
      }

      // The fix is rebuilt: the orders replay again, are released, and finish with a working store.
      fs.writeFileSync(path.join(running.copy.dir, ORDER), built);
      const fakes: Record<string, unknown> = {
        reserveinventory: { status: 'Reserved' },
        processpayment: { status: 'Succeeded', paymentId: 'ch_1' },
        createshipment: { status: 'Created', shipmentId: 's1', trackingNumber: 'T1' },
        sendconfirmation: { messageId: 'm1' },
      };
      for (const [name, value] of Object.entries(fakes))
        running.engine.activityOverrides.set(name, () => value);
      running.engine.activityOverrides.set(
        'recordorderoutcome',
        (input) => (input as { outcome: unknown }).outcome,
      );
      await running.host.reload();
      expect(running.guard.lastReport?.breaking).toEqual([]);
      expect([...running.engine.parked]).toEqual([]);
      await advance(running, '10s');
      for (const id of ids) {
        expect(await running.engine.operations.getStatus(id)).toMatchObject({
          runtimeStatus: 'Completed',
          output: expect.objectContaining({ status: 'Completed' }) as unknown,
        });
      }
    } finally {
      await running.stop();
    }
  });

  it('without parking, warns and offers it, and the orders fail as they would on Azure', async () => {
    const running = await startWithWaitingOrders(false);
    try {
      running.copy.edit(ORDER, swapCalls);
      await running.host.reload();
      for (const id of ids) {
        expect(warnings(running).find((m) => m.startsWith(`Instance '${id}'`))).toContain(
          'Restart with --park-nondeterministic',
        );
      }
      await advance(running, '1m');
      for (const id of ids) {
        const status = await running.engine.operations.getStatus(id);
        expect(status?.runtimeStatus).toBe('Failed');
        expect(JSON.stringify(status?.output)).toContain('Non-Deterministic workflow detected');
      }
    } finally {
      await running.stop();
    }
  });
});
