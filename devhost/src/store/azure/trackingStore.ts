/**
 * The `<hub>Instances` and `<hub>History` tables (DTFAS `AzureTableTrackingStore`): history rows
 * per execution with a sentinel row whose ETag guards every checkpoint, instance rows, and the
 * blobs behind oversized columns.
 */
import {
  odata,
  type TableClient,
  type TableEntity,
  type TableEntityResult,
  type TransactionAction,
} from '@azure/data-tables';
import { EventType, type HistoryEvent } from '../../protocol/history';
import { StoreConflictError } from '../errors';
import type { InstanceRow, StoredInstance } from '../taskHubStore';
import { CorruptDataError } from './corruptData';
import {
  columnsToEvent,
  eventToColumns,
  historyRowKey,
  readDate,
  type EventColumns,
} from './historyEntities';
import { columnsToInstance, instanceToColumns } from './instanceEntities';
import { HubTable } from './hubTable';
import { escapePartitionKey, unescapePartitionKey } from './keySanitation';
import type { LargeBlobs } from './largeBlobs';
import { LargeColumns } from './largeColumns';
import type { LeanTableCalls } from './leanTableCalls';
import type { StorageCalls, StorageService } from './storageCalls';
import type { BatchOperation } from './tableWire';

export interface StoredHistory {
  executionId: string;
  events: HistoryEvent[];
  etag: string;
  /** When the last checkpoint completed (the sentinel's `CheckpointCompletedTimestamp`), epoch ms. */
  checkpointAt: number | undefined;
}

const SENTINEL = 'sentinel';
/** A table transaction holds at most 100 operations and 4 MB: 99 rows plus the sentinel, 3 MB. */
const ROWS_PER_BATCH = 99;
const BYTES_PER_BATCH = 3 * 1024 * 1024;

export class TrackingStore {
  private readonly largeColumns: LargeColumns;
  private readonly instances: HubTable;
  private readonly history: HubTable;

  constructor(
    instances: TableClient,
    history: TableClient,
    private readonly blobs: LargeBlobs,
    private readonly taskHubName: string,
    private readonly calls: StorageCalls,
    /** Point calls and batches as bare signed requests, when the account key is known. */
    lean?: LeanTableCalls,
  ) {
    this.largeColumns = new LargeColumns(blobs, calls);
    this.instances = new HubTable(instances, lean);
    this.history = new HubTable(history, lean);
  }

  async readHistory(instanceId: string): Promise<StoredHistory | undefined> {
    const partitionKey = escapePartitionKey(instanceId);
    const rows: TableEntityResult<Record<string, unknown>>[] = [];
    let sentinel: TableEntityResult<Record<string, unknown>> | undefined;
    const pages = this.history.client
      .listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
      })
      .byPage({ maxPageSize: 1000 });
    for await (const page of this.limitedPages(pages)) {
      for (const row of page) {
        if (row.rowKey === SENTINEL) sentinel = row;
        else rows.push(row);
      }
    }
    if (!sentinel) return undefined;
    const executionId = typeof sentinel.ExecutionId === 'string' ? sentinel.ExecutionId : '';
    const current = rows
      .filter((row) => row.ExecutionId === executionId)
      .sort((a, b) =>
        (a.rowKey ?? '') < (b.rowKey ?? '') ? -1 : (a.rowKey ?? '') > (b.rowKey ?? '') ? 1 : 0,
      );
    const events: HistoryEvent[] = [];
    for (const [index, row] of current.entries()) {
      if (row.rowKey !== historyRowKey(index)) {
        throw new CorruptDataError(
          instanceId,
          `The history of instance '${instanceId}' has a gap: row ${historyRowKey(index)} is missing.`,
        );
      }
      events.push(columnsToEvent(await this.largeColumns.inlineLargeColumns(row, instanceId), instanceId));
    }
    const checkpoint = readDate(sentinel.CheckpointCompletedTimestamp);
    return {
      executionId,
      events,
      etag: String(sentinel.etag),
      checkpointAt: checkpoint === null ? undefined : Date.parse(checkpoint),
    };
  }

  /**
   * Writes `events` from row `startIndex` on, guarded by the sentinel's `etag` (undefined: the
   * sentinel must not exist yet). Returns the sentinel's new ETag.
   */
  async writeHistory(
    instanceId: string,
    executionId: string,
    events: readonly HistoryEvent[],
    startIndex: number,
    etag: string | undefined,
    now: string,
  ): Promise<string> {
    const partitionKey = escapePartitionKey(instanceId);
    const rows: TableEntity<EventColumns>[] = [];
    for (const [offset, event] of events.entries()) {
      const rowKey = historyRowKey(startIndex + offset);
      const columns = await this.largeColumns.offloadLargeColumns(
        eventToColumns(event, executionId),
        `${partitionKey}/history-${rowKey}-${EventType[event.EventType]}`,
      );
      rows.push({ partitionKey, rowKey, ...columns });
    }
    let currentEtag = etag;
    // Rows past the stored history (or of a history not stored yet) are new: inserted, they cost
    // Azurite one lookup in the instance's partition instead of an upsert's two (it scans the
    // partition for each). Should one exist after all (left by a crash), the batch is written
    // again as DTF writes it, with Insert Or Replace. A rewrite from row 0 replaces rows.
    let insertRows = startIndex > 0 || etag === undefined;
    let index = 0;
    do {
      const first = index;
      const batch: BatchOperation[] = [];
      let bytes = 0;
      while (index < rows.length && batch.length < ROWS_PER_BATCH) {
        const row = rows[index] as TableEntity<EventColumns>;
        const size = JSON.stringify(row).length * 2;
        if (batch.length > 0 && bytes + size > BYTES_PER_BATCH) break;
        batch.push({ kind: insertRows ? 'insert' : 'upsert', entity: row });
        bytes += size;
        index += 1;
      }
      const sentinel = {
        partitionKey,
        rowKey: SENTINEL,
        ExecutionId: executionId,
        IsCheckpointComplete: true,
        CheckpointCompletedTimestamp: { value: now, type: 'DateTime' },
      };
      batch.push(
        currentEtag === undefined
          ? { kind: 'insert', entity: sentinel }
          : { kind: 'replace', entity: sentinel, etag: currentEtag },
      );
      try {
        const etags = await this.calls.run('table', 'write', () => this.history.transact(batch));
        // The sentinel is the batch's last operation, and the sub-responses come in request order:
        // Azure (and Azurite) give no RowKey for an update's sub-response, only its ETag.
        currentEtag = etags[batch.length - 1] ?? (await this.sentinelEtag(partitionKey));
      } catch (error) {
        const status = statusOf(error);
        if (insertRows && index > first && (status === 409 || /EntityAlreadyExists/.test(String(error)))) {
          insertRows = false;
          index = first;
          continue;
        }
        if (
          status === 412 ||
          status === 409 ||
          /UpdateConditionNotSatisfied|EntityAlreadyExists/.test(String(error))
        ) {
          throw new StoreConflictError(instanceId);
        }
        throw error;
      }
    } while (index < rows.length);
    return currentEtag ?? '';
  }

  /** The sentinel's ETag now, or undefined when the instance has no history. */
  async sentinelEtag(partitionKey: string): Promise<string | undefined> {
    try {
      const row = await this.calls.run('table', 'read', () =>
        this.history.get(partitionKey, SENTINEL, ['ExecutionId']),
      );
      return row.etag;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async getInstance(instanceId: string): Promise<StoredInstance | undefined> {
    let entity: TableEntityResult<Record<string, unknown>>;
    try {
      entity = await this.calls.run('table', 'read', () =>
        this.instances.get(escapePartitionKey(instanceId), ''),
      );
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
    return this.toStoredInstance(entity);
  }

  /**
   * Replaces the row (or inserts it). With `etag`, only if the stored row still has it; with
   * `insertOnly`, only if there is none. Returns the row's new ETag.
   */
  async writeInstance(
    row: InstanceRow,
    options: { etag?: string; insertOnly?: boolean } = {},
  ): Promise<string> {
    const partitionKey = escapePartitionKey(row.instanceId);
    const columns = await this.largeColumns.offloadInstanceColumns(
      instanceToColumns(row, this.taskHubName),
      partitionKey,
      row,
    );
    const entity = { partitionKey, rowKey: '', ...columns };
    try {
      const etag = await this.calls.run('table', 'write', () =>
        options.insertOnly ? this.instances.insert(entity) : this.instances.replace(entity, options.etag),
      );
      return etag ?? '';
    } catch (error) {
      const status = statusOf(error);
      // 404 under an ETag: the row was deleted since it was read, a change like any other.
      if (status === 409 || status === 412 || (status === 404 && options.etag !== undefined))
        throw new StoreConflictError(row.instanceId);
      throw error;
    }
  }

  /** Every instance row whose id starts with `prefix` (all when undefined). */
  async listInstances(prefix: string | undefined): Promise<StoredInstance[]> {
    const filter =
      prefix === undefined || prefix === ''
        ? undefined
        : odata`PartitionKey ge ${escapePartitionKey(prefix)} and PartitionKey lt ${`${escapePartitionKey(prefix)}\uffff`}`;
    const out: StoredInstance[] = [];
    const pages = this.instances.client
      .listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {})
      .byPage({ maxPageSize: 1000 });
    for await (const page of this.limitedPages(pages)) {
      for (const entity of page) {
        if (entity.rowKey !== '') continue;
        try {
          out.push(await this.toStoredInstance(entity));
        } catch (error) {
          if (!(error instanceof CorruptDataError)) throw error;
        }
      }
    }
    return out;
  }

  /** Deletes the instance row, its history rows and their blobs. 1 when the row existed. */
  async purge(instanceId: string): Promise<number> {
    const partitionKey = escapePartitionKey(instanceId);
    const keys: string[] = [];
    const pages = this.history.client
      .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}`, select: ['RowKey'] } })
      .byPage({ maxPageSize: 1000 });
    for await (const page of this.limitedPages(pages)) for (const row of page) keys.push(row.rowKey ?? '');
    for (let i = 0; i < keys.length; i += 100) {
      const batch = keys
        .slice(i, i + 100)
        .map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]);
      await this.calls.run('table', 'write', () => this.history.client.submitTransaction(batch));
    }
    // One call per listing page and per blob: an instance can have thousands of large values, more
    // than one call's timeout allows for.
    for await (const names of this.limitedPages(this.blobs.namePages(`${partitionKey}/`), 'blob')) {
      await Promise.all(
        names.map((name) => this.calls.run('blob', 'background', () => this.blobs.delete(name))),
      );
    }
    try {
      await this.calls.run('table', 'write', () => this.instances.client.deleteEntity(partitionKey, ''));
      return 1;
    } catch (error) {
      if (statusOf(error) === 404) return 0;
      throw error;
    }
  }

  /** The pages of a query, each page request counted and limited as one read. */
  private async *limitedPages<P>(
    pages: AsyncIterable<P>,
    service: StorageService = 'table',
  ): AsyncGenerator<P> {
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.calls.limit('read', () => iterator.next());
      if (next.done) return;
      this.calls.count(service);
      yield next.value;
    }
  }

  private async toStoredInstance(
    entity: TableEntityResult<Record<string, unknown>>,
  ): Promise<StoredInstance> {
    const instanceId = unescapePartitionKey(entity.partitionKey ?? '');
    const row = columnsToInstance(entity, instanceId);
    await this.largeColumns.inlineInstanceColumns(row, instanceId);
    return { ...row, etag: entity.etag };
  }
}

export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null
    ? (error as { statusCode?: number }).statusCode
    : undefined;
}
