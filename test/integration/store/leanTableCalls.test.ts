/**
 * The bare signed table calls against Azurite, checked against the storage SDK: the same history
 * batches and Instances writes go through a tracking store on the SDK and one on the bare calls,
 * into two hubs, and the SDK reads back the same rows (values and their EDM types), the same
 * events and instances, with the same conflicts and the same storage call counts.
 */
import { randomUUID } from 'node:crypto';
import { odata, TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { EventType, OrchestrationStatus, type HistoryEvent } from '../../../devhost/src/protocol/history';
import { StoreConflictError } from '../../../devhost/src/store/errors';
import { historyRowKey } from '../../../devhost/src/store/azure/historyEntities';
import { escapePartitionKey } from '../../../devhost/src/store/azure/keySanitation';
import { LargeBlobs } from '../../../devhost/src/store/azure/largeBlobs';
import { LeanTableCalls } from '../../../devhost/src/store/azure/leanTableCalls';
import { SharedKeyAccount } from '../../../devhost/src/store/azure/sharedKeyAccount';
import { StorageCalls } from '../../../devhost/src/store/azure/storageCalls';
import type { StorageCallError } from '../../../devhost/src/store/azure/sharedKeyAccount';
import { TrackingStore } from '../../../devhost/src/store/azure/trackingStore';
import type { InstanceRow } from '../../../devhost/src/store/taskHubStore';
import { startTestAzurite, uniqueHubName, type TestAzurite } from '../../support/azuriteProcess';

let azurite: TestAzurite;
let account: SharedKeyAccount;
const tableOptions = { allowInsecureConnection: true };

beforeAll(async () => {
  azurite = await startTestAzurite();
  const found = SharedKeyAccount.fromConnectionString(azurite.connectionString);
  if (!found) throw new Error('the test connection string carries a key');
  account = found;
});

afterAll(async () => {
  account.close();
  await azurite.stop();
});

function tableClient(name: string): TableClient {
  return TableClient.fromConnectionString(azurite.connectionString, name, tableOptions);
}

interface Path {
  store: TrackingStore;
  calls: StorageCalls;
  history: TableClient;
  instances: TableClient;
}

/** The same hub layout twice, one tracking store on the SDK and one on the bare calls; one blob container. */
async function bothPaths(): Promise<{ sdk: Path; lean: Path }> {
  const service = TableServiceClient.fromConnectionString(azurite.connectionString, tableOptions);
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    uniqueHubName('lean').toLowerCase(),
  );
  await container.create();
  const blobs = new LargeBlobs(container);
  const open = async (lean: boolean): Promise<Path> => {
    const hub = uniqueHubName(lean ? 'Lean' : 'Sdk');
    await Promise.all([service.createTable(`${hub}History`), service.createTable(`${hub}Instances`)]);
    const history = tableClient(`${hub}History`);
    const instances = tableClient(`${hub}Instances`);
    const calls = new StorageCalls();
    const tables = lean ? new LeanTableCalls(account, service.url) : undefined;
    return {
      store: new TrackingStore(instances, history, blobs, 'Hub', calls, tables),
      calls,
      history,
      instances,
    };
  };
  return { sdk: await open(false), lean: await open(true) };
}

/** Every row of a partition as the SDK reads it with each value's EDM type, minus what the service stamps. */
async function rawRows(table: TableClient, instanceId: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const filter = odata`PartitionKey eq ${escapePartitionKey(instanceId)}`;
  for await (const row of table.listEntities({ queryOptions: { filter }, disableTypeConversion: true })) {
    const {
      etag: _etag,
      timestamp: _timestamp,
      'odata.metadata': _metadata,
      ...rest
    } = row as Record<string, unknown>;
    // History blob names end in a random tag, so that a retried write never overwrites a read blob.
    for (const [key, value] of Object.entries(rest))
      if (key.endsWith('BlobName'))
        rest[key] = {
          ...(value as object),
          value: String((value as { value: string }).value).replace(/-[0-9a-f]{8}-/, '-*-'),
        };
    rows.push(rest);
  }
  return rows;
}

const big = (seed: string): string => JSON.stringify({ text: `${seed} ü€😀 `.repeat(4_000) });

function events(instanceId: string, executionId: string): HistoryEvent[] {
  const at = '2024-05-06T07:08:09.123Z';
  return [
    { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: false, Timestamp: at },
    {
      EventType: EventType.ExecutionStarted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: at,
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      ParentInstance: null,
      Name: 'Flöw',
      Version: '',
      Input: big('input'),
      Tags: { k: 'v "quoted" \t' },
      Correlation: null,
      ScheduledStartTime: '2024-05-06T07:00:00.000Z',
      Generation: 3,
    },
    {
      EventType: EventType.TaskScheduled,
      EventId: 0,
      IsPlayed: false,
      Timestamp: at,
      Name: 'Say',
      Version: null,
      Input: '"héllo\\n\'x\'"',
    },
    {
      EventType: EventType.TimerCreated,
      EventId: 1,
      IsPlayed: true,
      Timestamp: at,
      FireAt: '2030-01-01T00:00:00.000Z',
    },
  ];
}

function later(): HistoryEvent[] {
  const at = '2024-05-06T07:08:10.000Z';
  return [
    {
      EventType: EventType.TaskCompleted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: at,
      TaskScheduledId: 0,
      Result: big('result'),
    },
    {
      EventType: EventType.ExecutionCompleted,
      EventId: 2,
      IsPlayed: false,
      Timestamp: at,
      OrchestrationStatus: OrchestrationStatus.Completed,
      Result: '"done"',
      FailureDetails: null,
    },
  ];
}

function instanceRow(
  instanceId: string,
  executionId: string,
  change: Partial<InstanceRow> = {},
): InstanceRow {
  return {
    instanceId,
    executionId,
    name: 'Flöw',
    version: '',
    input: big('instance input'),
    output: null,
    customStatus: JSON.stringify({ step: 'ünïcode 😀', n: 1 }),
    runtimeStatus: 'Pending',
    createdTime: '2024-05-06T07:08:09.123Z',
    lastUpdatedTime: '2024-05-06T07:08:09.123Z',
    completedTime: null,
    scheduledStartTime: null,
    generation: 0,
    parentInstanceId: null,
    ...change,
  };
}

describe('bare signed table calls', () => {
  it('write the same history rows as the SDK, keep the sentinel ETag, and refuse a stale or repeated start', async () => {
    const { sdk, lean } = await bothPaths();
    const instanceId = `inst 'q' ü/é#?%+&${randomUUID()}`;
    const executionId = randomUUID().replace(/-/g, '');
    for (const path of [sdk, lean]) {
      const now = '2024-05-06T07:08:09.500Z';
      const first = await path.store.writeHistory(
        instanceId,
        executionId,
        events(instanceId, executionId),
        0,
        undefined,
        now,
      );
      const sentinel = await path.history.getEntity(escapePartitionKey(instanceId), 'sentinel');
      expect(first).toBe(sentinel.etag);
      const second = await path.store.writeHistory(instanceId, executionId, later(), 4, first, now);
      expect(second).toBe((await path.history.getEntity(escapePartitionKey(instanceId), 'sentinel')).etag);
      await expect(
        path.store.writeHistory(instanceId, executionId, later(), 6, first, now),
      ).rejects.toBeInstanceOf(StoreConflictError);
      await expect(
        path.store.writeHistory(instanceId, executionId, later(), 6, undefined, now),
      ).rejects.toBeInstanceOf(StoreConflictError);
    }
    const sdkRows = await rawRows(sdk.history, instanceId);
    expect(sdkRows).toHaveLength(7);
    expect(
      sdkRows.some((row) => 'InputBlobName' in row) && sdkRows.some((row) => 'ResultBlobName' in row),
    ).toBe(true);
    expect(await rawRows(lean.history, instanceId)).toEqual(sdkRows);
    const read = await lean.store.readHistory(instanceId);
    expect(read?.events).toEqual((await sdk.store.readHistory(instanceId))?.events);
    expect(read?.events).toEqual(
      [...events(instanceId, executionId), ...later()].map((e): unknown => expect.objectContaining(e)),
    );
    expect(lean.calls.counts).toEqual(sdk.calls.counts);
  });

  it('insert new history rows, and replace rows a crash left past the stored history, on both paths', async () => {
    const { sdk, lean } = await bothPaths();
    const instanceId = `left ${randomUUID()}`;
    const executionId = randomUUID().replace(/-/g, '');
    const now = '2024-05-06T07:08:09.500Z';
    for (const path of [sdk, lean]) {
      const first = await path.store.writeHistory(
        instanceId,
        executionId,
        events(instanceId, executionId),
        0,
        undefined,
        now,
      );
      // A row where the next checkpoint writes, as a write that crashed before its sentinel leaves it.
      await path.history.createEntity({
        partitionKey: escapePartitionKey(instanceId),
        rowKey: historyRowKey(4),
        EventType: 'Stale',
      });
      const tableCalls = path.calls.counts.table;
      const second = await path.store.writeHistory(instanceId, executionId, later(), 4, first, now);
      expect(second).toBe((await path.history.getEntity(escapePartitionKey(instanceId), 'sentinel')).etag);
      // The inserting transaction was refused and written again with Insert Or Replace.
      expect(path.calls.counts.table - tableCalls).toBe(2);
      const stored = await path.store.readHistory(instanceId);
      expect(stored?.events.map((e) => e.EventType)).toEqual(
        [...events(instanceId, executionId), ...later()].map((e) => e.EventType),
      );
    }
    expect(await rawRows(lean.history, instanceId)).toEqual(await rawRows(sdk.history, instanceId));
    expect(lean.calls.counts).toEqual(sdk.calls.counts);
  });

  it('write the same Instances rows as the SDK: insert, replace under the ETag, upsert, and the same conflicts', async () => {
    const { sdk, lean } = await bothPaths();
    const instanceId = `row 'q' ü/é#?%+&${randomUUID()}`;
    const executionId = randomUUID().replace(/-/g, '');
    const read: unknown[] = [];
    for (const path of [sdk, lean]) {
      expect(await path.store.getInstance(instanceId)).toBeUndefined();
      const inserted = await path.store.writeInstance(instanceRow(instanceId, executionId), {
        insertOnly: true,
      });
      expect(inserted).toBe((await path.instances.getEntity(escapePartitionKey(instanceId), '')).etag);
      await expect(
        path.store.writeInstance(instanceRow(instanceId, executionId), { insertOnly: true }),
      ).rejects.toBeInstanceOf(StoreConflictError);
      const running = instanceRow(instanceId, executionId, {
        runtimeStatus: 'Running',
        lastUpdatedTime: '2024-05-06T07:08:10.000Z',
        generation: 2,
      });
      const replaced = await path.store.writeInstance(running, { etag: inserted });
      await expect(path.store.writeInstance(running, { etag: inserted })).rejects.toBeInstanceOf(
        StoreConflictError,
      );
      const stored = await path.store.getInstance(instanceId);
      expect(stored).toMatchObject({ ...running, etag: replaced });
      const done = instanceRow(instanceId, executionId, {
        runtimeStatus: 'Completed',
        output: big('output'),
        customStatus: null,
        completedTime: '2024-05-06T07:08:11.000Z',
        parentInstanceId: 'parent ü',
      });
      await path.store.writeInstance(done);
      const { etag: _etag, ...final } = (await path.store.getInstance(instanceId)) ?? {};
      expect(final).toEqual(done);
      read.push(final);
      // Under an ETag, a row deleted since it was read is a conflict too.
      await path.instances.deleteEntity(escapePartitionKey(instanceId), '');
      await expect(path.store.writeInstance(done, { etag: replaced })).rejects.toBeInstanceOf(
        StoreConflictError,
      );
      await path.store.writeInstance(done);
    }
    expect(read[1]).toEqual(read[0]);
    const sdkRows = await rawRows(sdk.instances, instanceId);
    expect(sdkRows).toHaveLength(1);
    expect(String((sdkRows[0]?.Output as { value: string }).value)).toMatch(/^http:.*\.json\.gz$/);
    expect(await rawRows(lean.instances, instanceId)).toEqual(sdkRows);
    expect(lean.calls.counts).toEqual(sdk.calls.counts);
  });

  it('store values holding U+2028 and U+2029, which Azurite refuses unescaped in a batch', async () => {
    const { lean } = await bothPaths();
    const instanceId = `sep-${randomUUID()}`;
    const executionId = randomUUID().replace(/-/g, '');
    const [started] = events(instanceId, executionId).slice(1);
    if (started?.EventType !== EventType.ExecutionStarted) throw new Error('no start event');
    const event = { ...started, Input: '"line\u2028paragraph\u2029end"' };
    await lean.store.writeHistory(instanceId, executionId, [event], 0, undefined, event.Timestamp);
    const row = await lean.history.getEntity(escapePartitionKey(instanceId), historyRowKey(0));
    expect(row.Input).toBe(event.Input);
    expect((await lean.store.readHistory(instanceId))?.events).toEqual([expect.objectContaining(event)]);
  });

  it('are refused with 403 when signed with another key', async () => {
    const wrongKey = Buffer.alloc(64, 7).toString('base64');
    const other = SharedKeyAccount.fromConnectionString(
      azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`),
    );
    if (!other) throw new Error('the connection string carries a key');
    const service = TableServiceClient.fromConnectionString(azurite.connectionString, tableOptions);
    try {
      const refused = await new LeanTableCalls(other, service.url)
        .getEntity('Anything', 'p', '')
        .catch((error: StorageCallError) => error);
      expect(refused).toMatchObject({ statusCode: 403 });
    } finally {
      other.close();
    }
  });
});
