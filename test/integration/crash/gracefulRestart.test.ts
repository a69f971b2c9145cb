/**
 * devhost (the built CLI) on the azure store, stopped with SIGTERM and started again on the same
 * port, as a user does with Ctrl+C and `npm start`: a client that keeps calling a starter route, a
 * status route and the Durable status webhook sees only 503 (with Retry-After) or the right answer,
 * never 404 or 500; a SIGTERM with a backlog exits within the shutdown timeout, and the next start
 * finishes every instance.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../../../devhost/src/emulators/testing';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';
import { CLI, startDevhostChild } from '../../support/devhostChild';
import { expectHistoryInvariants } from './historyInvariants';
import { queueStarts, waitForTerminal } from './taskHubRows';
import { hammerReadyApp } from '../../support/readyAppClient';

jest.setTimeout(120_000);

const READY_APP = path.resolve(__dirname, '../../fixtures/ready-app');

let azurite: TestAzurite;

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`Build devhost first (npm run build): ${CLI} is missing.`);
  azurite = await startTestAzurite();
});

afterAll(async () => {
  await azurite.stop();
});

function env(hub: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AzureWebJobsStorage: azurite.connectionString,
    READY_HUB: hub,
    DEVHOST_AZURE_VISIBILITY_MS: '1000',
    ...extra,
  };
}

describe('SIGTERM and a new start on the azure store', () => {
  test('a client calling the app and the Durable webhooks across the restart sees only the right answers or 503 + Retry-After', async () => {
    const hub = uniqueHubName('ready');
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const first = await startDevhostChild(env(hub), READY_APP, { port });
    const client = hammerReadyApp(origin, 'restart');
    let second: Awaited<ReturnType<typeof startDevhostChild>> | undefined;
    try {
      await client.startsAnswered(5);
      await first.stop();
      expect(await first.exited).toBe('0');
      second = await startDevhostChild(env(hub), READY_APP, { port });
      await client.startsAnswered(5);
      await client.stop();

      expect(client.wrongAnswers()).toEqual([]);
      // Nothing started before the restart is lost.
      const ids = client.started.map((s) => s.id);
      const rows = await waitForTerminal(azurite.connectionString, hub, ids);
      for (const id of ids) {
        expect({ id, status: rows.get(id)?.RuntimeStatus, output: rows.get(id)?.Output }).toEqual({
          id,
          status: 'Completed',
          output: '[2,4,6]',
        });
      }
    } finally {
      await client.stop();
      await first.stop();
      await second?.stop();
    }
  });

  test('SIGTERM with a backlog exits within the shutdown timeout, and the next start finishes every instance', async () => {
    const hub = uniqueHubName('backlog');
    const starts = Array.from({ length: 30 }, (_, n) => ({ id: `backlog-${n}`, name: 'ReadySequence' }));
    await queueStarts(azurite.connectionString, hub, starts, 10);
    // Every step takes 400 ms and four run at once: the backlog is minutes of work, far past 1 s.
    const first = await startDevhostChild(env(hub, { READY_STEP_MS: '400' }), READY_APP, {
      args: ['--shutdown-timeout', '1'],
    });
    let second: Awaited<ReturnType<typeof startDevhostChild>> | undefined;
    try {
      while (!/Executed 'Functions\.ReadyStep'/.test(first.output())) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const signalled = Date.now();
      await first.stop();
      const took = Date.now() - signalled;
      expect(await first.exited).toBe('0');
      // 1 s for running work, then stopping the store (bounded) and the listeners.
      expect(took).toBeLessThan(6_000);

      second = await startDevhostChild(env(hub), READY_APP);
      const ids = starts.map((s) => s.id);
      const rows = await waitForTerminal(azurite.connectionString, hub, ids, 90_000);
      for (const id of ids)
        expect(rows.get(id)).toMatchObject({ RuntimeStatus: 'Completed', Output: '[2,4,6]' });
      for (const id of ids.slice(0, 5)) await expectHistoryInvariants(azurite.connectionString, hub, id);
    } finally {
      await first.stop();
      await second?.stop();
    }
  });
});
