/**
 * One task hub table's point calls and transactions: bare signed requests (`leanTableCalls.ts`)
 * when the account key is known, the SDK otherwise (a token or SAS credential). Queries stay on
 * the SDK's `client` either way. Both paths write the same rows and fail with the same
 * `statusCode`s, so callers cannot tell them apart.
 */
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import type { LeanTableCalls } from './leanTableCalls';
import type { BatchOperation, WireEntity } from './tableWire';

export class HubTable {
  constructor(
    readonly client: TableClient,
    private readonly lean: LeanTableCalls | undefined,
  ) {}

  get name(): string {
    return this.client.tableName;
  }

  async get(
    partitionKey: string,
    rowKey: string,
    select?: string[],
  ): Promise<TableEntityResult<Record<string, unknown>>> {
    if (this.lean) {
      // The same shape as the SDK's answer (`tableWire.ts` `entityFromJson`).
      const entity = await this.lean.getEntity(this.name, partitionKey, rowKey, select);
      return entity as TableEntityResult<Record<string, unknown>>;
    }
    return this.client.getEntity<Record<string, unknown>>(
      partitionKey,
      rowKey,
      select ? { queryOptions: { select } } : {},
    );
  }

  /** Inserts a row that must not exist (409 if it does); its ETag. */
  async insert(entity: WireEntity): Promise<string | undefined> {
    if (this.lean) return this.lean.insertEntity(this.name, entity);
    return (await this.client.createEntity(entity)).etag;
  }

  /** Replaces the row under `etag` (412 if changed, 404 if gone), or inserts or replaces it without one. */
  async replace(entity: WireEntity, etag: string | undefined): Promise<string | undefined> {
    if (this.lean) return this.lean.replaceEntity(this.name, entity, etag);
    const written =
      etag === undefined
        ? await this.client.upsertEntity(entity, 'Replace')
        : await this.client.updateEntity(entity, 'Replace', { etag });
    return written.etag;
  }

  /** One entity group transaction; each operation's new ETag, in order. */
  async transact(operations: readonly BatchOperation[]): Promise<(string | undefined)[]> {
    if (this.lean) return (await this.lean.submitTransaction(this.name, operations)).map((r) => r.etag);
    const actions = operations.map((operation): TransactionAction => {
      const { entity } = operation;
      if (operation.kind === 'insert') return ['create', entity];
      if (operation.kind === 'upsert') return ['upsert', entity, 'Replace'];
      return ['update', entity, 'Replace', { etag: operation.etag ?? '*' }];
    });
    const response = await this.client.submitTransaction(actions);
    return response.subResponses.map((r) => r.etag);
  }
}
