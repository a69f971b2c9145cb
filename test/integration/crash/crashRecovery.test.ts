/**
 * A devhost on the azure store killed at each crash point (DEVHOST_CRASH_AT) and started again on
 * the same Azurite brings every instance to the result it would have reached without the crash,
 * and the stored history keeps its invariants.
 */
import * as fs from 'node:fs';
import { odata, TableClient } from '@azure/data-tables';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';
import { CLI, startDevhostChild } from '../../support/devhostChild';
import { expectHistoryInvariants } from './historyInvariants';
import { queueStarts, waitForTerminal as waitForTerminalRows } from './taskHubRows';
import { CRASH_POINTS } from '../../../devhost/src/store/azure/crashPoints';

jest.setTimeout(120_000);

let azurite: TestAzurite;

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`Build devhost first (npm run build): ${CLI} is missing.`);
  azurite = await startTestAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

const EXPECTED: Record<string, unknown> = {
  CrashSequence: [2, 4, 6],
  CrashFanOut: 42,
  CrashWait: 'timeout',
};

function env(hub: string, crashAt?: string): Record<string, string> {
  return {
    AzureWebJobsStorage: azurite.connectionString,
    CRASH_HUB: hub,
    DEVHOST_AZURE_VISIBILITY_MS: '1000',
    ...(crashAt ? { DEVHOST_CRASH_AT: crashAt } : {}),
  };
}

/**
 * The wait's timer in the crash cases: due soon after the crash, so recovery fires it rather than
 * waits for it. The case where it falls due while devhost is down keeps the fixture's 3 s.
 */
const CRASH_WAIT_INPUT: Record<string, string> = { CrashWait: JSON.stringify({ timerMs: 1000 }) };

/** Starts the instances through the store before devhost runs, so the crash hits their first episodes. */
async function startAll(
  hub: string,
  tag: string,
  names = Object.keys(EXPECTED),
  inputs: Record<string, string> = CRASH_WAIT_INPUT,
): Promise<string[]> {
  const starts = names.map((name) => ({ id: `${name}-${tag}`, name, input: inputs[name] }));
  await queueStarts(azurite.connectionString, hub, starts);
  return starts.map((s) => s.id);
}

function waitForTerminal(hub: string, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  return waitForTerminalRows(azurite.connectionString, hub, ids);
}

async function crashAndRecover(crashes: string[]): Promise<void> {
  const hub = uniqueHubName('crash');
  const ids = await startAll(hub, crashes.join('-').replace(/[^a-z-]/g, ''));
  const first = await startDevhostChild(env(hub, crashes[0]));
  expect(await first.exited).toBe('SIGKILL');
  for (const crashAt of crashes.slice(1)) {
    const again = await startDevhostChild(env(hub, crashAt));
    expect(await again.exited).toBe('SIGKILL');
  }
  const last = await startDevhostChild(env(hub));
  try {
    const rows = await waitForTerminal(hub, ids).catch((error: unknown) => {
      throw new Error(`${String(error)}\ndevhost said:\n${last.output()}`);
    });
    for (const id of ids) {
      const name = id.split('-')[0] ?? '';
      expect({
        id,
        status: rows.get(id)?.RuntimeStatus,
        output: JSON.parse(String(rows.get(id)?.Output)) as unknown,
      }).toEqual({
        id,
        status: 'Completed',
        output: EXPECTED[name],
      });
      await expectHistoryInvariants(azurite.connectionString, hub, id);
    }
  } finally {
    await last.stop();
  }
}

/** `before-start` is reached by client starts, and these instances are queued before devhost runs. */
const EPISODE_CRASH_POINTS = CRASH_POINTS.filter((point) => point !== 'before-start');

describe('crash recovery on the azure store', () => {
  it.each(EPISODE_CRASH_POINTS)('brings every instance to its result after a crash at %s', async (point) => {
    await crashAndRecover([point]);
  });

  it('recovers when devhost crashes again while recovering', async () => {
    await crashAndRecover(['after-history', 'activity-after-side-effect:2']);
  });

  it('ends a wait whose timer fell due while devhost was down, after it starts again', async () => {
    const hub = uniqueHubName('down');
    const [id] = await startAll(hub, 'down', ['CrashWait'], {});
    if (!id) throw new Error('no instance');
    const first = await startDevhostChild(env(hub));
    const history = TableClient.fromConnectionString(azurite.connectionString, `${hub}History`, {
      allowInsecureConnection: true,
    });
    let fireAt: number | undefined;
    while (fireAt === undefined) {
      for await (const row of history.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${id} and EventType eq 'TimerCreated'` },
      })) {
        fireAt = (row.FireAt as Date).getTime();
      }
      if (fireAt === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await first.stop();
    // Down until well after the timer fell due.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, fireAt - Date.now()) + 500));
    const again = await startDevhostChild(env(hub));
    try {
      const rows = await waitForTerminal(hub, [id]);
      expect(rows.get(id)).toMatchObject({ RuntimeStatus: 'Completed', Output: '"timeout"' });
      await expectHistoryInvariants(azurite.connectionString, hub, id);
    } finally {
      await again.stop();
    }
  });
});
