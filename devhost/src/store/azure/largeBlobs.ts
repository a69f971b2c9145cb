/**
 * The `<hub>-largemessages` container: values too big for a queue message or a table column are
 * stored there gzip-compressed (DTFAS `MessageManager`), and read back when a message or row names them.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import { CorruptDataError } from './corruptData';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export class LargeBlobs {
  constructor(private readonly container: ContainerClient) {}

  get url(): string {
    return this.container.url;
  }

  async upload(name: string, text: string): Promise<void> {
    const body = await gzipAsync(Buffer.from(text, 'utf8'));
    await this.container.getBlockBlobClient(name).uploadData(body, {
      blobHTTPHeaders: { blobContentType: 'application/json', blobContentEncoding: 'gzip' },
    });
  }

  /** The text of a blob; a missing blob throws {@link CorruptDataError} for `instanceId`. */
  async download(name: string, instanceId: string | undefined): Promise<string> {
    let data: Buffer;
    try {
      data = await this.container.getBlockBlobClient(name).downloadToBuffer();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        throw new CorruptDataError(instanceId, `The large-message blob '${name}' is gone.`);
      }
      throw error;
    }
    try {
      return (await gunzipAsync(data)).toString('utf8');
    } catch {
      return data.toString('utf8');
    }
  }

  /** Blob name from a URL stored in an Instances column, if it points into this container. */
  nameFromUrl(value: string): string | undefined {
    const prefix = `${this.container.url}/`;
    return value.startsWith(prefix) ? decodeURIComponent(value.slice(prefix.length)) : undefined;
  }

  async delete(name: string): Promise<void> {
    await this.container.getBlockBlobClient(name).deleteIfExists();
  }

  /** The names of the blobs under `prefix`, a listing call's page at a time. */
  async *namePages(prefix: string): AsyncGenerator<string[]> {
    for await (const page of this.container.listBlobsFlat({ prefix }).byPage({ maxPageSize: 1000 })) {
      yield page.segment.blobItems.map((blob) => blob.name);
    }
  }
}
