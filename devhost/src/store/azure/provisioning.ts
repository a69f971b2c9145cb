/**
 * Opens a task hub in Azure Storage: checks the endpoint answers, creates what is missing (tables,
 * queues, containers), reads or writes `taskhub.json` (an existing hub keeps its partition count)
 * and takes the lease of every control queue.
 */
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { isInsecure, StorageConnectionError } from './connection';
import { LargeBlobs } from './largeBlobs';
import { LeanQueueCalls } from './leanQueueCalls';
import { LeanTableCalls } from './leanTableCalls';
import { DEFAULT_PARTITION_COUNT, taskHubResourceNames } from './names';
import { defaultOwner, PartitionLeases } from './partitionLeases';
import { SharedKeyAccount } from './sharedKeyAccount';
import { StorageCalls } from './storageCalls';
import { TaskHubQueue } from './taskHubQueue';
import { TrackingStore } from './trackingStore';

export interface ProvisionOptions {
  taskHubName: string;
  connectionString: string;
  partitionCount?: number | undefined;
  leaseWaitMs?: number | undefined;
  leaseRenewMs?: number | undefined;
  owner?: string | undefined;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface ProvisionedHub {
  calls: StorageCalls;
  tracking: TrackingStore;
  controlQueues: TaskHubQueue[];
  workItems: TaskHubQueue;
  partitions: PartitionLeases;
  /**
   * The bare signed queue calls (when the account key is known); closed with the store, which
   * closes the connections the table calls share with them.
   */
  lean: LeanQueueCalls | undefined;
}

export async function provisionTaskHub(options: ProvisionOptions): Promise<ProvisionedHub> {
  const { connectionString, taskHubName } = options;
  const tableOptions = { allowInsecureConnection: isInsecure(connectionString) };
  const tables = TableServiceClient.fromConnectionString(connectionString, tableOptions);
  const queues = QueueServiceClient.fromConnectionString(connectionString);
  // Reads are not retried by the client: the store's reader reads again on its own schedule, and
  // the client's own retries (about 30 s of back-off) held a pump, and so a stop, with storage gone.
  const readQueues = QueueServiceClient.fromConnectionString(connectionString, {
    retryOptions: { maxTries: 1 },
  });
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  const calls = new StorageCalls();
  await probe(connectionString);

  const requested = options.partitionCount ?? DEFAULT_PARTITION_COUNT;
  const initial = taskHubResourceNames(taskHubName, requested);
  const leaseContainer = blobs.getContainerClient(initial.leaseContainer);
  const largeContainer = blobs.getContainerClient(initial.largeMessageContainer);
  await Promise.all([leaseContainer.createIfNotExists(), largeContainer.createIfNotExists()]);
  const partitionCount = await PartitionLeases.hubPartitionCount(leaseContainer, taskHubName, requested);
  const names = taskHubResourceNames(taskHubName, partitionCount);
  await Promise.all([
    tables.createTable(names.instancesTable),
    tables.createTable(names.historyTable),
    ...[...names.controlQueues, names.workItemQueue].map((q) => queues.getQueueClient(q).createIfNotExists()),
  ]);
  const large = new LargeBlobs(largeContainer);
  const account = SharedKeyAccount.fromConnectionString(connectionString);
  const lean = account && new LeanQueueCalls(account);
  const tracking = new TrackingStore(
    TableClient.fromConnectionString(connectionString, names.instancesTable, tableOptions),
    TableClient.fromConnectionString(connectionString, names.historyTable, tableOptions),
    large,
    taskHubName,
    calls,
    account && new LeanTableCalls(account, tables.url),
  );
  const partitions = await PartitionLeases.acquire({
    container: leaseContainer,
    hubName: taskHubName,
    partitionCount,
    controlQueues: names.controlQueues,
    owner: options.owner ?? defaultOwner(),
    waitMs: options.leaseWaitMs ?? 40_000,
    renewMs: options.leaseRenewMs,
    log: (message) => options.log('warn', message),
  });
  const hubQueue = (name: string) =>
    new TaskHubQueue(queues.getQueueClient(name), large, calls, lean, readQueues.getQueueClient(name));
  return {
    calls,
    tracking,
    controlQueues: names.controlQueues.map(hubQueue),
    workItems: hubQueue(names.workItemQueue),
    lean,
    partitions,
  };
}

/** Fails fast, with what to do, when nothing answers at the storage endpoints. */
async function probe(connectionString: string): Promise<void> {
  const client = BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1 } });
  try {
    await client.getProperties();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
      throw new StorageConnectionError(
        `Cannot reach Azure Storage at ${client.url} (AzureWebJobsStorage): ${String(code)}. ` +
          'Start Azurite (devhost starts it with --emulators azurite) or point AzureWebJobsStorage at a running account.',
      );
    }
  }
}
