/**
 * Table columns too big for a row (over 60 KB as UTF-16) kept in the large-messages container as
 * gzip blobs, as DTFAS does: a History column is emptied and named by `<Prop>BlobName`; an
 * Instances column (`Input`, `Output`, `CustomStatus`) holds the blob's URL. Reading a row brings
 * the values back; a blob that is gone is corrupt data of that instance.
 */
import { randomBytes } from 'node:crypto';
import type { InstanceRow } from '../taskHubStore';
import { LARGE_PROPERTIES, LARGE_PROPERTY_BYTES, type EventColumns } from './historyEntities';
import type { LargeBlobs } from './largeBlobs';
import type { StorageCalls } from './storageCalls';

const INSTANCE_LARGE_COLUMNS = ['Input', 'Output', 'CustomStatus'] as const;

export class LargeColumns {
  constructor(
    private readonly blobs: LargeBlobs,
    private readonly calls: StorageCalls,
  ) {}

  /** An Instances row's values, in place, from the blobs its columns point to. */
  async inlineInstanceColumns(row: InstanceRow, instanceId: string): Promise<void> {
    for (const column of INSTANCE_LARGE_COLUMNS) {
      const key = column === 'Input' ? 'input' : column === 'Output' ? 'output' : 'customStatus';
      const value = row[key];
      const name = value === null ? undefined : this.blobs.nameFromUrl(value);
      if (name !== undefined)
        row[key] = await this.calls.run('blob', 'read', () => this.blobs.download(name, instanceId));
    }
  }

  /** A History row with each offloaded column read back from its blob. */
  async inlineLargeColumns(
    row: Record<string, unknown>,
    instanceId: string,
  ): Promise<Record<string, unknown>> {
    const out = { ...row };
    for (const prop of LARGE_PROPERTIES) {
      const blobName = row[`${prop}BlobName`];
      if (typeof blobName === 'string' && blobName !== '')
        out[prop] = await this.calls.run('blob', 'read', () => this.blobs.download(blobName, instanceId));
    }
    return out;
  }

  /** History columns over the limit moved to blobs under `blobPrefix`, named by `<Prop>BlobName`. */
  async offloadLargeColumns(columns: EventColumns, blobPrefix: string): Promise<EventColumns> {
    const out = { ...columns };
    for (const prop of LARGE_PROPERTIES) {
      const value = out[prop];
      if (typeof value !== 'string' || value.length * 2 <= LARGE_PROPERTY_BYTES) continue;
      const name = `${blobPrefix}-${randomBytes(4).toString('hex')}-${prop}.json.gz`;
      await this.calls.run('blob', 'write', () => this.blobs.upload(name, value));
      out[prop] = '';
      out[`${prop}BlobName`] = name;
    }
    return out;
  }

  /** Instances columns over the limit moved to blobs; the column holds the blob's URL. */
  async offloadInstanceColumns(
    columns: EventColumns,
    partitionKey: string,
    row: InstanceRow,
  ): Promise<EventColumns> {
    const out = { ...columns };
    for (const column of INSTANCE_LARGE_COLUMNS) {
      const value = out[column];
      if (typeof value !== 'string' || value.length * 2 <= LARGE_PROPERTY_BYTES) continue;
      const name = `${partitionKey}/instance-${row.executionId}-${column}.json.gz`;
      await this.calls.run('blob', 'write', () => this.blobs.upload(name, value));
      out[column] =
        `${this.blobs.url}/${encodeURIComponent(partitionKey)}/${name.slice(partitionKey.length + 1)}`;
    }
    return out;
  }
}
