/**
 * The azure store with its storage gone (Azurite stopped under it, as `devhost emulators stop`
 * beside a running devhost does): a pump's receive ends at once with nothing, and closing the
 * store takes its own budgets (giving messages back, releasing the partition leases), not the
 * storage client's retries, which kept a Ctrl+C waiting the full 10 s shutdown.
 */
import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { RealClock } from '../../../devhost/src/clock/realClock';
import {
  AzureTaskHubStore,
  type AzureTaskHubStoreOptions,
} from '../../../devhost/src/store/azure/azureTaskHubStore';
import { DEFAULT_PARTITION_COUNT, taskHubResourceNames } from '../../../devhost/src/store/azure/names';
import { executionStarted } from '../../support/durableEvents';
import { startTestAzurite, uniqueHubName } from '../../support/azuriteProcess';
import { proxyService } from '../../support/holdingProxy';
import { until } from '../../support/until';

const LOCK_MS = 60_000;
/**
 * Far below the storage client's own retries (about 30 s of back-off for one call), far above what
 * the store needs (its reads fail at once; giving back and releasing take 2 s each at most).
 */
const PROMPT_MS = 8_000;

/** A store on `connectionString` whose warnings and errors go to `warnings`. */
function openStore(
  options: { taskHubName: string; connectionString: string } & Partial<AzureTaskHubStoreOptions>,
  warnings: string[],
): Promise<AzureTaskHubStore> {
  return AzureTaskHubStore.open({
    clock: new RealClock(),
    leaseWaitMs: 0,
    log: (level, message) => {
      if (level !== 'info') warnings.push(message);
    },
    ...options,
  });
}

it('answers a receive and closes promptly once its storage is gone', async () => {
  const azurite = await startTestAzurite();
  const warnings: string[] = [];
  let store: AzureTaskHubStore | undefined;
  try {
    store = await openStore(
      {
        taskHubName: uniqueHubName('gone'),
        connectionString: azurite.connectionString,
        // The queues are read all the time, so a pump's receive finds a read on its way.
        maxPollIntervalMs: 100,
      },
      warnings,
    );
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
    store = await openStore(
      { taskHubName: hubName, connectionString: azurite.connectionString, leaseRenewMs: 100 },
      warnings,
    );
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

it('holds orchestration work back while its leases cannot be renewed, and goes on once they are', async () => {
  const azurite = await startTestAzurite();
  const { proxy, connectionString } = await proxyService(azurite.connectionString, 'Blob', (req) =>
    /[?&]comp=lease/.test(req.url ?? ''),
  );
  const warnings: string[] = [];
  let store: AzureTaskHubStore | undefined;
  try {
    store = await openStore(
      { taskHubName: uniqueHubName('renew'), connectionString, leaseRenewMs: 100, maxPollIntervalMs: 100 },
      warnings,
    );
    // Storage refuses the lease calls (403 is not retried by the storage client).
    proxy.refuse(403);
    await until('the failing renewals are said', () => warnings.some((w) => w.startsWith('Could not renew')));
    const executionId = randomUUID().replace(/-/g, '');
    await store.createInstance(
      {
        event: executionStarted({ name: 'Flow', instanceId: 'renew-1', executionId }),
        orchestrationInstance: { InstanceId: 'renew-1', ExecutionId: executionId },
      },
      { dedupeStatuses: [] },
    );
    // The start is in the store, but no orchestration work is taken without the leases.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(store.receiveOrchestrationWorkItem(LOCK_MS)).resolves.toBeUndefined();
    expect(warnings.filter((w) => w.startsWith('Could not renew'))).toHaveLength(1);
    expect(warnings.find((w) => w.startsWith('Could not renew'))).toMatch(
      /; this devhost takes no orchestration work until it can, and tries again every 0\.1 s\.$/,
    );

    let woken = false;
    store.onWorkAvailable(() => (woken = true));
    proxy.release();
    await until('the leases are renewed again', () => warnings.some((w) => w.startsWith('Renewed')));
    expect(woken).toBe(true);
    const item = await store.receiveOrchestrationWorkItem(LOCK_MS);
    expect(item?.instanceId).toBe('renew-1');
    // Held back, never given up: nothing says the leases were lost.
    expect(warnings.filter((w) => /^(Lost|A task hub partition lease is gone)/.test(w))).toEqual([]);
    expect(warnings.filter((w) => w.startsWith('Renewed'))).toEqual([
      'Renewed the task hub partition leases again; orchestration work goes on.',
    ]);
  } finally {
    await store?.close();
    await proxy.close();
    await azurite.stop();
  }
}, 60_000);
