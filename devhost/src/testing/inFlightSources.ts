/**
 * Where the in-flight check finds instances outside this process: an Azure Storage task hub read
 * straight from its `<Hub>Instances` and `<Hub>History` tables (read only: no lease is taken and
 * nothing is created, so the devhost that owns the hub keeps running), or a running devhost's
 * Durable HTTP API (the memory task hub exists only inside the process that runs it).
 */
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { isTerminal, type RuntimeStatus } from '../protocol/history';
import { isInsecure } from '../store/azure/connection';
import { LargeBlobs } from '../store/azure/largeBlobs';
import { taskHubResourceNames } from '../store/azure/names';
import { StorageCalls } from '../store/azure/storageCalls';
import { statusOf, TrackingStore } from '../store/azure/trackingStore';
import { fetchStatusWithHistory } from './goldenFiles';
import { IN_FLIGHT_STATUSES, type InFlightInstance } from './inFlightCheck';

/** The task hub (or the host that serves it) cannot be read; the message says what to fix. */
export class InFlightSourceError extends Error {
  override readonly name = 'InFlightSourceError';
}

/** The not-ended instances of an Azure Storage task hub, read from its tables. */
export async function* azureHubInstances(options: {
  connectionString: string;
  hubName: string;
}): AsyncIterable<InFlightInstance> {
  const { connectionString, hubName } = options;
  // Table names do not depend on the partition count.
  const names = taskHubResourceNames(hubName, 1);
  const tableOptions = { allowInsecureConnection: isInsecure(connectionString) };
  const tracking = new TrackingStore(
    TableClient.fromConnectionString(connectionString, names.instancesTable, tableOptions),
    TableClient.fromConnectionString(connectionString, names.historyTable, tableOptions),
    new LargeBlobs(
      BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
        names.largeMessageContainer,
      ),
    ),
    hubName,
    new StorageCalls(),
  );
  let rows;
  try {
    rows = await tracking.listInstances(undefined);
  } catch (error) {
    if (statusOf(error) === 404) return; // No such hub yet: nothing is in flight.
    throw new InFlightSourceError(
      `Could not read the task hub '${hubName}' (table ${names.instancesTable}): ${(error as Error).message}`,
    );
  }
  rows.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  for (const row of rows) {
    if (row.instanceId.startsWith('@') || isTerminal(row.runtimeStatus)) continue;
    const stored = await tracking.readHistory(row.instanceId);
    if (!stored || stored.events.length === 0) continue;
    yield {
      instanceId: row.instanceId,
      name: row.name,
      runtimeStatus: row.runtimeStatus,
      history: stored.events,
    };
  }
}

/**
 * The not-ended instances a running devhost (or any host serving the Durable HTTP API) reports, with
 * the histories its status API shows (rebuilt into DTF events by the replay).
 */
export async function* httpHubInstances(options: {
  origin: string;
  key?: string;
}): AsyncIterable<InFlightInstance> {
  const headers: Record<string, string> = options.key ? { 'x-functions-key': options.key } : {};
  let continuation: string | undefined;
  do {
    const url = new URL('/runtime/webhooks/durabletask/instances', options.origin);
    url.searchParams.set('runtimeStatus', IN_FLIGHT_STATUSES.join(','));
    url.searchParams.set('showInput', 'false');
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { ...headers, ...(continuation ? { 'x-ms-continuation-token': continuation } : {}) },
      });
    } catch (error) {
      throw new InFlightSourceError(
        `No devhost answers at ${options.origin} (${(error as Error).message}). The memory task hub lives only ` +
          'inside the devhost that runs it: start it (devhost start), pass --url with its address, or check an ' +
          'Azure Storage task hub with --storage azure.',
      );
    }
    if (!response.ok) {
      throw new InFlightSourceError(
        `${url.origin} answered ${response.status} to the instance query` +
          (response.status === 401 || response.status === 403
            ? ': it enforces keys; run the check with the --state-dir that holds its keys.json.'
            : '.'),
      );
    }
    const items = (await response.json()) as {
      instanceId: string;
      name: string;
      runtimeStatus: RuntimeStatus;
    }[];
    for (const item of items) {
      if (item.instanceId.startsWith('@') || isTerminal(item.runtimeStatus)) continue;
      const status = await fetchStatusWithHistory(options.origin, item.instanceId, options);
      if (!status || status.historyEvents.length === 0) continue;
      yield {
        instanceId: item.instanceId,
        name: item.name,
        runtimeStatus: item.runtimeStatus,
        history: status,
      };
    }
    continuation = response.headers.get('x-ms-continuation-token') || undefined;
  } while (continuation !== undefined && continuation !== 'null');
}
