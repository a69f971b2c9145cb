import { type Container } from '@azure/cosmos';
import { type BatchItem, chunkCount, type ItemResult } from '../domain';
import { createOnce } from './createOnce';

export interface BatchHeaderDoc {
  id: string;
  batchId: string;
  type: 'header';
  instanceId: string;
  totalItems: number;
  chunkSize: number;
  createdAt: string;
}

interface BatchChunkDoc {
  id: string;
  batchId: string;
  type: 'chunk';
  index: number;
  items: BatchItem[];
}

interface ItemResultDoc extends ItemResult {
  id: string;
  batchId: string;
  type: 'result';
}

const chunkId = (batchId: string, index: number) => `${batchId}:chunk:${index}`;
const resultId = (batchId: string, itemId: string) => `${batchId}:result:${itemId}`;

/**
 * A batch's items live here so the orchestration carries only the batch id. Items are stored in
 * chunk documents, one per sub-orchestration, so a chunk is one point read.
 */
export class BatchRepository {
  constructor(private readonly container: Container) {}

  /**
   * Chunks first (upserts, repeatable), header last: a header means every chunk is there, and
   * its 409 tells the starter the batch id is taken.
   */
  async save(
    header: Omit<BatchHeaderDoc, 'type' | 'id'>,
    items: readonly BatchItem[],
  ): Promise<{ created: boolean; header: BatchHeaderDoc }> {
    const existing = await this.getHeader(header.batchId);
    if (existing) return { created: false, header: existing };
    const chunks = chunkCount(items.length, header.chunkSize);
    const writes: Promise<unknown>[] = [];
    for (let index = 0; index < chunks; index++) {
      const doc: BatchChunkDoc = {
        id: chunkId(header.batchId, index),
        batchId: header.batchId,
        type: 'chunk',
        index,
        items: items.slice(index * header.chunkSize, (index + 1) * header.chunkSize),
      };
      writes.push(this.container.items.upsert(doc));
    }
    await Promise.all(writes);
    const result = await createOnce<BatchHeaderDoc>(
      this.container,
      { ...header, id: header.batchId, type: 'header' },
      header.batchId,
    );
    return { created: result.created, header: result.doc };
  }

  async getHeader(batchId: string): Promise<BatchHeaderDoc | undefined> {
    const { resource } = await this.container.item(batchId, batchId).read<BatchHeaderDoc>();
    return resource;
  }

  async getChunk(batchId: string, index: number): Promise<BatchItem[] | undefined> {
    const { resource } = await this.container.item(chunkId(batchId, index), batchId).read<BatchChunkDoc>();
    return resource?.items;
  }

  recordResult(batchId: string, result: ItemResult): Promise<{ created: boolean; doc: ItemResult }> {
    const doc: ItemResultDoc = { ...result, id: resultId(batchId, result.itemId), batchId, type: 'result' };
    return createOnce(this.container, doc, batchId).then(({ created, doc: stored }) => ({
      created,
      doc: toItemResult(stored),
    }));
  }
}

function toItemResult(doc: ItemResultDoc): ItemResult {
  return {
    itemId: doc.itemId,
    outcome: doc.outcome,
    ...(doc.reason !== undefined ? { reason: doc.reason } : {}),
    ...(doc.lineTotalCents !== undefined ? { lineTotalCents: doc.lineTotalCents } : {}),
  };
}
