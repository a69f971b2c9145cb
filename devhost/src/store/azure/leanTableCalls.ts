/**
 * The table calls on a checkpoint's path (the history batch, the Instances row write) and the point
 * reads (status reads, the sentinel's ETag) as bare HTTP requests signed with the account key, as
 * `leanQueueCalls.ts` does for queues: the SDK's pipeline costs several times the CPU of the
 * request, and its transactions build a whole client per batch. Signed with the Table service's
 * Shared Key Lite scheme, as `@azure/data-tables` signs: the string to sign is `x-ms-date`, a
 * newline and the canonicalized resource, `/<account><path>`
 * (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key#shared-key-lite-and-table-service-format-for-2009-09-19-and-later).
 * The same REST version, headers and bodies as the SDK (`tableWire.ts`), so both write the same rows.
 */
import { randomUUID } from 'node:crypto';
import type { SharedKeyAccount, SignedResponse } from './sharedKeyAccount';
import {
  batchBody,
  entityAddress,
  entityFromJson,
  entityJson,
  parseBatchResponse,
  type BatchOperation,
  type SubResponse,
  type WireEntity,
} from './tableWire';

/** The REST version `@azure/data-tables` speaks. */
const TABLE_API_VERSION = '2019-02-02';
const ODATA_HEADERS = { DataServiceVersion: '3.0', MaxDataServiceVersion: '3.0;NetFx' };

export class LeanTableCalls {
  private readonly serviceUrl: string;

  /** `serviceUrl`: the table endpoint, with the account name in the path for Azurite. */
  constructor(
    private readonly account: SharedKeyAccount,
    serviceUrl: string,
  ) {
    this.serviceUrl = serviceUrl.replace(/\/+$/, '');
  }

  /** One entity as the SDK's `getEntity` returns it; rejects with `statusCode` 404 when absent. */
  async getEntity(
    table: string,
    partitionKey: string,
    rowKey: string,
    select?: readonly string[],
  ): Promise<Record<string, unknown>> {
    const query = select ? `?$select=${encodeURIComponent(select.join(','))}` : '';
    const url = new URL(`${this.serviceUrl}/${entityAddress(table, partitionKey, rowKey)}${query}`);
    const response = await this.call('GET', url, { Accept: 'application/json;odata=minimalmetadata' });
    const entity = entityFromJson(response.text);
    if (entity.etag === undefined && typeof response.headers.etag === 'string')
      entity.etag = response.headers.etag;
    return entity;
  }

  /** Inserts a row that must not exist yet (409 if it does); its ETag. */
  async insertEntity(table: string, entity: WireEntity): Promise<string | undefined> {
    const response = await this.call(
      'POST',
      new URL(`${this.serviceUrl}/${table}`),
      {
        'Content-Type': 'application/json;odata=nometadata',
        Accept: 'application/json;odata=minimalmetadata',
        Prefer: 'return-no-content',
      },
      entityJson(entity),
    );
    return response.headers.etag;
  }

  /**
   * Replaces the row: only while it still has `etag` (412 if changed, 404 if gone), or, without
   * one, whether or not it exists (Insert Or Replace Entity). Its new ETag.
   */
  async replaceEntity(table: string, entity: WireEntity, etag?: string): Promise<string | undefined> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    if (etag !== undefined) headers['If-Match'] = etag;
    const url = new URL(`${this.serviceUrl}/${entityAddress(table, entity.partitionKey, entity.rowKey)}`);
    const response = await this.call('PUT', url, headers, entityJson(entity));
    return response.headers.etag;
  }

  /**
   * One entity group transaction; the sub-responses in request order. A failed change set rejects
   * with the failing operation's status and error code (as the SDK's `submitTransaction` does).
   */
  async submitTransaction(table: string, operations: readonly BatchOperation[]): Promise<SubResponse[]> {
    const batchId = randomUUID();
    const body = batchBody(this.serviceUrl, table, batchId, randomUUID(), operations);
    const response = await this.call(
      'POST',
      new URL(`${this.serviceUrl}/$batch`),
      { 'Content-Type': `multipart/mixed; boundary=batch_${batchId}`, Accept: 'application/json' },
      body,
    );
    return parseBatchResponse(response.text);
  }

  private call(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body?: string,
  ): Promise<SignedResponse> {
    return this.account.request(
      method,
      url,
      { ...headers, ...ODATA_HEADERS, 'x-ms-version': TABLE_API_VERSION },
      body === undefined ? undefined : Buffer.from(body, 'utf8'),
      (signed) => {
        const stringToSign = `${signed['x-ms-date'] ?? ''}\n/${this.account.accountName}${url.pathname}`;
        return `SharedKeyLite ${this.account.accountName}:${this.account.signature(stringToSign)}`;
      },
    );
  }
}
