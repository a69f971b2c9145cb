/**
 * The azure store with its storage gone (Azurite stopped under it, as `devhost emulators stop`
 * beside a running devhost does): a pump's receive ends at once with nothing, and closing the
 * store takes its own budgets (giving messages back, releasing the partition leases), not the
 * storage client's retries, which kept a Ctrl+C waiting the full 10 s shutdown.
 */
import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { AzureTaskHubStore } from '../../../devhost/src/store/azure/azureTaskHubStore';
import { DEFAULT_PARTITION_COUNT, taskHubResourceNames } from '../../../devhost/src/store/azure/names';
import { executionStarted } from '../../support/durableEvents';
import { startTestAzurite, uniqueHubName } from '../../support/azuriteProcess';
import { until } from '../../support/until';

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

it('says the task hub is gone when its lease container is deleted under it, and takes no more orchestration work', async () => {
  const azurite = await startTestAzurite();
  const warnings: string[] = [];
  const hubName = uniqueHubName('leases');
  let store: AzureTaskHubStore | undefined;
  try {
    store = await AzureTaskHubStore.open({
      taskHubName: hubName,
      connectionString: azurite.connectionString,
      clock: new RealClock(),
      leaseWaitMs: 0,
      leaseRenewMs: 100,
      log: (level, message) => {
        if (level !== 'info') warnings.push(message);
      },
    });
    const { leaseContainer } = taskHubResourceNames(hubName, DEFAULT_PARTITION_COUNT);
    await BlobServiceClient.fromConnectionString(azurite.connectionString).deleteContainer(leaseContainer);

    await until('the lost lease is said', () => warnings.some((w) => w.includes('partition lease')));
    const said = warnings.filter((w) => w.includes('partition lease'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^A task hub partition lease is gone: its lease blob or container was deleted \(.*\); this devhost stops taking orchestration work\. Restart devhost to set the task hub up again\.$/,
    );
    expect(said[0]).not.toContain('another owner');
    await expect(store.receiveOrchestrationWorkItem(LOCK_MS)).resolves.toBeUndefined();
    // Said once, not at every renewal.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(warnings.filter((w) => w.includes('partition lease'))).toHaveLength(1);
  } finally {
    await store?.close();
    await azurite.stop();
  }
}, 60_000);
