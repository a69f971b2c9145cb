/**
 * The azure store with its storage gone (Azurite stopped under it, as `devhost emulators stop`
 * beside a running devhost does): a pump's receive ends at once with nothing, and closing the
 * store takes its own budgets (giving messages back, releasing the partition leases), not the
 * storage client's retries, which kept a Ctrl+C waiting the full 10 s shutdown.
 */
import { randomUUID } from 'node:crypto';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { AzureTaskHubStore } from '../../../devhost/src/store/azure/azureTaskHubStore';
import { executionStarted } from '../../support/durableEvents';
import { startTestAzurite, uniqueHubName } from '../../support/azuriteProcess';

const LOCK_MS = 60_000;
/**
 * Far below the storage client's own retries (about 30 s of back-off for one call), far above what
 * the store needs (its reads fail at once; giving back and releasing take 2 s each at most).
 */
const PROMPT_MS = 8_000;

it('answers a receive and closes promptly once its storage is gone', async () => {
  const azurite = await startTestAzurite();
  const warnings: string[] = [];
  let store: AzureTaskHubStore | undefined;
  try {
    store = await AzureTaskHubStore.open({
      taskHubName: uniqueHubName('gone'),
      connectionString: azurite.connectionString,
      clock: new RealClock(),
      leaseWaitMs: 0,
      // The queues are read all the time, so a pump's receive finds a read on its way.
      maxPollIntervalMs: 100,
      log: (level, message) => {
        if (level !== 'info') warnings.push(message);
      },
    });
    // A held start message, for the close to give back.
    const executionId = randomUUID().replace(/-/g, '');
    await store.createInstance(
      {
        event: executionStarted({ name: 'Flow', instanceId: 'gone-1', executionId }),
        orchestrationInstance: { InstanceId: 'gone-1', ExecutionId: executionId },
      },
      { dedupeStatuses: [] },
    );
    await azurite.stop();

    let started = Date.now();
    await expect(store.receiveActivityWorkItem(LOCK_MS)).resolves.toBeUndefined();
    await expect(store.receiveActivityWorkItem(LOCK_MS)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);

    started = Date.now();
    await store.close();
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    // The failed reads were said (once per queue), not hidden.
    expect(warnings.some((w) => /Could not read the queue '.*-workitems'/.test(w))).toBe(true);
  } finally {
    // A second close returns at once.
    await store?.close();
    await azurite.stop();
  }
}, 90_000);
