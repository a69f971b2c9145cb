/** Counts the storage calls the store makes, by service, for the benchmarks. */
export type StorageService = 'table' | 'queue' | 'blob';

export class StorageCalls {
  readonly counts: Record<StorageService, number> = { table: 0, queue: 0, blob: 0 };

  count(service: StorageService, n = 1): void {
    this.counts[service] += n;
  }

  get total(): number {
    return this.counts.table + this.counts.queue + this.counts.blob;
  }
}
