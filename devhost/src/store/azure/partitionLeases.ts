/**
 * Hub ownership as DTF's blob partition manager keeps it (DTFAS `Partitioning/BlobLeaseManager`):
 * `<hub>-leases/taskhub.json` describes the hub, and one blob per control queue under `default/`
 * carries a 30-second lease renewed every 10 seconds. Only the lease holder reads a control queue,
 * so two devhosts, or devhost and a deployed app, never process the same partition at once.
 */
import { hostname } from 'node:os';
import type { BlobLeaseClient, ContainerClient } from '@azure/storage-blob';
import { statusOf } from './trackingStore';

const LEASE_SECONDS = 30;
const RENEW_MS = 10_000;
const RETRY_MS = 2_000;
const RELEASE_MS = 2_000;

class HubOwnedError extends Error {
  constructor(
    readonly partition: string,
    readonly owner: string,
  ) {
    super(
      `The task hub partition '${partition}' is owned by '${owner}', which is still running. ` +
        'Stop that process, or give this devhost another hub name (host.json extensions.durableTask.hubName).',
    );
    this.name = 'HubOwnedError';
  }
}

export interface PartitionLeaseOptions {
  container: ContainerClient;
  hubName: string;
  partitionCount: number;
  controlQueues: readonly string[];
  owner: string;
  /** How long to wait for another owner's lease before refusing. */
  waitMs: number;
  /** How often the leases are renewed; default 10 s (they last 30 s). */
  renewMs?: number | undefined;
  log: (message: string) => void;
}

export function defaultOwner(): string {
  return `devhost@${hostname()}#${process.pid}`;
}

export class PartitionLeases {
  private readonly leases: BlobLeaseClient[] = [];
  private renewer: NodeJS.Timeout | undefined;
  /** Another owner has a partition, or the hub's leases are gone: for good (until a restart). */
  private lost = false;
  /** The last renewal round could not renew or take every lease (storage not answering, say). */
  private failing = false;
  private renewing = false;
  private released = false;
  private regained: () => void = () => undefined;

  private constructor(private readonly options: PartitionLeaseOptions) {}

  /** Reads or writes `taskhub.json`; returns the partition count the hub was created with. */
  static async hubPartitionCount(
    container: ContainerClient,
    hubName: string,
    partitionCount: number,
  ): Promise<number> {
    const blob = container.getBlockBlobClient('taskhub.json');
    const info = JSON.stringify({
      TaskHubName: hubName,
      CreatedAt: new Date().toISOString(),
      PartitionCount: partitionCount,
    });
    try {
      await blob.upload(info, Buffer.byteLength(info), { conditions: { ifNoneMatch: '*' } });
      return partitionCount;
    } catch (error) {
      if (statusOf(error) !== 409 && statusOf(error) !== 412) throw error;
    }
    const stored = JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as {
      PartitionCount?: unknown;
    };
    return typeof stored.PartitionCount === 'number' && stored.PartitionCount > 0
      ? stored.PartitionCount
      : partitionCount;
  }

  /** Takes every partition's lease, waiting up to `waitMs` for other owners; throws {@link HubOwnedError}. */
  static async acquire(options: PartitionLeaseOptions): Promise<PartitionLeases> {
    const manager = new PartitionLeases(options);
    try {
      for (const queue of options.controlQueues) await manager.acquireOne(queue);
    } catch (error) {
      await manager.release();
      throw error;
    }
    manager.renewer = setInterval(() => void manager.renewAll(), options.renewMs ?? RENEW_MS);
    manager.renewer.unref();
    return manager;
  }

  /** Called when a renewal round succeeds after one that failed. */
  onRegained(listener: () => void): void {
    this.regained = listener;
  }

  /** Whether this process holds every partition: only then does it take orchestration work. */
  get healthy(): boolean {
    return !this.lost && !this.failing;
  }

  /**
   * Releases the leases, for the next owner to take at once; within `RELEASE_MS` (retries included),
   * since a lease not released ends by itself after `LEASE_SECONDS` (with storage gone, the client's
   * retries alone took about 30 s).
   */
  async release(): Promise<void> {
    this.released = true;
    if (this.renewer) clearInterval(this.renewer);
    const abortSignal = AbortSignal.timeout(RELEASE_MS);
    await Promise.all(this.leases.map((lease) => lease.releaseLease({ abortSignal }).catch(() => undefined)));
    this.leases.length = 0;
  }

  private async acquireOne(queue: string): Promise<void> {
    const { container, owner, waitMs, log } = this.options;
    const blob = container.getBlockBlobClient(`default/${queue}`);
    const deadline = Date.now() + waitMs;
    let announced = false;
    for (;;) {
      try {
        await blob.upload('{}', 2, { conditions: { ifNoneMatch: '*' } });
      } catch (error) {
        if (statusOf(error) !== 409 && statusOf(error) !== 412) throw error;
      }
      const lease = blob.getBlobLeaseClient();
      try {
        await lease.acquireLease(LEASE_SECONDS);
        const content = JSON.stringify({
          PartitionId: queue,
          Owner: owner,
          Token: lease.leaseId,
          Epoch: Date.now(),
        });
        await blob.upload(content, Buffer.byteLength(content), { conditions: { leaseId: lease.leaseId } });
        this.leases.push(lease);
        return;
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
      const current = await readOwner(blob);
      if (isDeadLocalOwner(current)) {
        log(
          `Task hub partition '${queue}' was owned by '${current}', which is no longer running; taking it over.`,
        );
        await blob.getBlobLeaseClient().breakLease(0);
        continue;
      }
      if (Date.now() >= deadline) throw new HubOwnedError(queue, current);
      if (!announced) {
        log(
          `Task hub partition '${queue}' is owned by '${current}'; waiting up to ${Math.round(waitMs / 1000)} s for it.`,
        );
        announced = true;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  private renewSeconds(): number {
    return Math.max(0.1, Math.round((this.options.renewMs ?? RENEW_MS) / 100) / 10);
  }

  /**
   * One round: every lease renewed, or taken again if it expired (the process was paused past 30
   * s) and nobody else took it. A lease another owner has, or one whose blob or container is gone,
   * ends orchestration work for good. Any other failure (storage not answering) holds orchestration
   * work back until a later round renews every lease again, as DTF's partition manager stops
   * processing a partition whose lease it could not renew and takes it again later.
   */
  private async renewAll(): Promise<void> {
    // With storage not answering, one call can take the storage client's retries (about 30 s).
    if (this.renewing || this.lost || this.released) return;
    this.renewing = true;
    try {
      let failure: unknown;
      for (const lease of this.leases) {
        try {
          await lease.renewLease();
        } catch {
          // Released meanwhile (a stop): taking it again would keep the next owner waiting 30 s.
          if (this.released) return;
          try {
            await lease.acquireLease(LEASE_SECONDS);
          } catch (error) {
            if (statusOf(error) === 404 || statusOf(error) === 409) {
              this.options.log(lostLeaseMessage(error));
              this.lost = true;
              return;
            }
            failure ??= error;
          }
        }
      }
      if (failure !== undefined && !this.failing) {
        this.options.log(
          `Could not renew the task hub partition leases (${firstLine(failure)}); this devhost takes no ` +
            `orchestration work until it can, and tries again every ${this.renewSeconds()} s.`,
        );
      }
      const regained = failure === undefined && this.failing;
      this.failing = failure !== undefined;
      if (regained) {
        this.options.log('Renewed the task hub partition leases again; orchestration work goes on.');
        this.regained();
      }
    } finally {
      this.renewing = false;
    }
  }
}

/** Why a lease can be neither renewed nor taken again, and what to do. */
function lostLeaseMessage(error: unknown): string {
  const stops = 'this devhost stops taking orchestration work.';
  if (statusOf(error) === 404) {
    return (
      `A task hub partition lease is gone: its lease blob or container was deleted (${firstLine(error)}); ` +
      `${stops} Restart devhost to set the task hub up again.`
    );
  }
  return (
    `Lost a task hub partition lease to another owner (${firstLine(error)}); ${stops} ` +
    'Stop the other process and restart devhost.'
  );
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}

async function readOwner(blob: ReturnType<ContainerClient['getBlockBlobClient']>): Promise<string> {
  try {
    const content = JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as { Owner?: unknown };
    return typeof content.Owner === 'string' ? content.Owner : 'an unknown owner';
  } catch {
    return 'an unknown owner';
  }
}

/** A devhost on this machine whose process has gone (crashed): its lease can be broken safely. */
function isDeadLocalOwner(owner: string): boolean {
  const match = /^devhost@(.+)#(\d+)$/.exec(owner);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
