/**
 * What the safety nets say about changes to processOrder, made in copies of the built app: two
 * activity calls swapped (breaks every instance past the first of them), an activity's body changed
 * and a step added after the last awaited one (both safe).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventType } from '../../../devhost/src/protocol/history';
import {
  goldenHistoryFiles,
  readGoldenHistory,
  type OrchestrationGolden,
} from '../../../devhost/src/testing/goldenFiles';
import {
  checkGoldenHistories,
  openGoldenChecker,
  saveGoldenHistory,
} from '../../../devhost/src/testing/goldenHistories';
import { historyFromStatusEvents } from '../../../devhost/src/testing/statusHistory';
import { copyBuiltApp, repoDir, swap, type AppCopy } from '../../support/appCopy';

jest.setTimeout(60_000);

const histories = path.join(repoDir, 'test/fixtures/histories');
const ORDER = 'dist/src/orchestrators/processOrder.js';
const RESERVE = 'reserveInventory_1.ReserveInventory.run';
const PAY = 'processPayment_1.ProcessPayment.run';

/** The sequence id the recorded run gave ReserveInventory, or undefined when it never got there. */
function reservationId(golden: OrchestrationGolden): number | undefined {
  const scheduled = historyFromStatusEvents(golden.status).find(
    (e) => e.EventType === EventType.TaskScheduled && e.Name === 'ReserveInventory',
  );
  return scheduled?.EventId;
}

describe('changes to processOrder against the golden histories', () => {
  const copies: AppCopy[] = [];
  let swapped: AppCopy;
  beforeAll(async () => {
    swapped = await copyBuiltApp('golden-swapped-');
    copies.push(swapped);
    swapped.edit(ORDER, (source) => swap(source, RESERVE, PAY));
  });
  afterAll(async () => {
    for (const copy of copies) await copy.remove();
  });

  it('fails every recorded order that got past the reservation, naming the orchestrator, the file and the step', async () => {
    const verdicts = await checkGoldenHistories({ appDir: swapped.dir, dir: histories });
    const orders = goldenHistoryFiles(path.join(histories, 'processOrder')).map(
      (file) => [file, readGoldenHistory(file) as OrchestrationGolden] as const,
    );
    const reached = orders.filter(([, golden]) => reservationId(golden) !== undefined);
    expect(reached.map(([, golden]) => golden.branch)).toEqual(
      expect.arrayContaining(['completed', 'outOfStock', 'paymentDeclined', 'shipmentFailed']),
    );
    for (const [file, golden] of reached) {
      const verdict = verdicts.find((v) => path.resolve(v.file) === file);
      expect(verdict).toMatchObject({ ok: false, name: 'processOrder' });
      expect(verdict?.message).toContain(`processOrder: ${path.relative(process.cwd(), file)}: `);
      expect(verdict?.message).toContain(
        `expected activity 'ReserveInventory' at sequence ${reservationId(golden)}, found activity 'ProcessPayment'`,
      );
    }
    // Everything else still replays: the invalid order never reached the swapped calls, and the
    // other orchestrators and the entity did not change.
    const failing = verdicts.filter((v) => !v.ok).map((v) => path.resolve(v.file));
    expect(failing.sort()).toEqual(reached.map(([file]) => file).sort());
  });

  it('keeps a history the changed build no longer replays instead of overwriting it, unless forced', async () => {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'golden-keep-'));
    const file = path.join(dir, 'completed.json');
    await fs.promises.copyFile(path.join(histories, 'processOrder/completed.json'), file);
    const fresh = readGoldenHistory(path.join(histories, 'processOrder/invalid.json'));
    const checker = await openGoldenChecker({ appDir: swapped.dir });
    try {
      const kept = await saveGoldenHistory(checker, fresh, file);
      expect(kept.saved).toBe(false);
      expect(kept.message).toContain("expected activity 'ReserveInventory'");
      expect(readGoldenHistory(file)).toMatchObject({ branch: 'completed' });
      expect(await saveGoldenHistory(checker, fresh, file, { force: true })).toMatchObject({ saved: true });
      expect(readGoldenHistory(file)).toMatchObject({ branch: 'invalid' });
    } finally {
      await checker.close();
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      "a change to an activity's body",
      'dist/src/activities/reserveInventory.js',
      (source: string) =>
        source.replace(
          'const { products } = await (0, repositories_1.getRepositories)();',
          'const { products } = await (0, repositories_1.getRepositories)();\n        items = [...items].reverse();',
        ),
    ],
    [
      'a step added after the last awaited one',
      ORDER,
      (source: string) =>
        source.replace(
          "    context.df.setCustomStatus({ step: 'Done', orderId: order.id, outcome: recorded.status });",
          "    if (recorded.status === 'Completed') yield context.df.callActivity('SendConfirmation', { orderId: order.id });\n" +
            "    context.df.setCustomStatus({ step: 'Done', orderId: order.id, outcome: recorded.status });",
        ),
    ],
  ])('keeps every golden history green after %s', async (_change, file, edit) => {
    const copy = await copyBuiltApp('golden-safe-');
    copies.push(copy);
    copy.edit(file, edit);
    const verdicts = await checkGoldenHistories({ appDir: copy.dir, dir: histories });
    expect(verdicts.length).toBeGreaterThan(20);
    expect(verdicts.filter((v) => !v.ok).map((v) => v.message)).toEqual([]);
  });
});
