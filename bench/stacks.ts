/**
 * The emulators a benchmark's runs use: Azurite with its data on disk and a Cosmos server with its
 * journal (as `npm start` runs them), and both in memory. Starting Azurite takes seconds (many on a
 * loaded machine), so the disk pair is started once, on first use, and shared; every run gets a
 * task hub and a Cosmos database of its own, deleted after it, so no run sees another's work. The
 * in-memory pair is started afresh for each run (see `retire`).
 */
import { CosmosClient } from '@azure/cosmos';
import { TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freeStackPorts } from '../devhost/src/emulators/testing';
import { startEmulators, type Emulators } from '../devhost/src/emulators/startEmulators';
import { taskHubResourceNames } from '../devhost/src/store/azure/names';
import type { Job } from './job';
import { repoRoot } from './paths';
import { peakRssMb, resetPeakRss } from './rss';
import type { SharedStack, StoreTarget } from './targets/devhost';

type StackKind = 'disk' | 'memory';

interface Running {
  emulators: Emulators;
  stateDir: string;
}

const PARTITIONS = 4;

/**
 * Deletes what a run left in a shared stack: its task hub (queues, tables, containers) and its
 * Cosmos database. Safe to repeat. Nothing to do on a throwaway stack, which goes after the run (and
 * whose Azurite may be busy sweeping for minutes, answering nothing meanwhile).
 */
export async function deleteRunData(
  job: Pick<Job, 'stack' | 'hubName' | 'database' | 'target'>,
): Promise<void> {
  if (!job.stack || job.stack.throwaway) return;
  const gone = (error: unknown): void => {
    if (
      (error as { statusCode?: number; code?: number }).statusCode !== 404 &&
      (error as { code?: number }).code !== 404
    )
      throw error;
  };
  const connection = job.stack.azurite?.connectionString;
  if (connection && job.hubName && job.target !== 'memory') {
    const names = taskHubResourceNames(job.hubName, PARTITIONS);
    const queues = QueueServiceClient.fromConnectionString(connection);
    const tables = TableServiceClient.fromConnectionString(connection, { allowInsecureConnection: true });
    const blobs = BlobServiceClient.fromConnectionString(connection);
    await Promise.all([
      ...[...names.controlQueues, names.workItemQueue].map((q) => queues.deleteQueue(q).catch(gone)),
      ...[names.instancesTable, names.historyTable].map((t) => tables.deleteTable(t).catch(gone)),
      ...[names.leaseContainer, names.largeMessageContainer].map((c) => blobs.deleteContainer(c).catch(gone)),
    ]);
  }
  const cosmos = job.stack.cosmos;
  if (cosmos && job.database) {
    const client = new CosmosClient({ ...cosmos, connectionPolicy: { enableEndpointDiscovery: false } });
    try {
      await client.database(job.database).delete().catch(gone);
    } finally {
      client.dispose();
    }
  }
}

export class SharedStacks {
  private readonly running = new Map<StackKind, Promise<Running>>();

  /** The stack a target's runs use: disk for `azure-disk`, memory otherwise. */
  static kindOf(target: StoreTarget): StackKind {
    return target === 'azure-disk' ? 'disk' : 'memory';
  }

  async stack(kind: StackKind): Promise<SharedStack> {
    const { emulators } = await this.start(kind);
    const { azurite, cosmos } = emulators;
    return {
      ...(azurite ? { azurite: { connectionString: azurite.connectionString } } : {}),
      ...(cosmos ? { cosmos: { endpoint: cosmos.endpoint, key: cosmos.key } } : {}),
      ...(kind === 'memory' ? { throwaway: true } : {}),
    };
  }

  /** Peak RSS of a stack's processes is measured per run: this resets it. */
  async resetPeaks(kind: StackKind): Promise<void> {
    const { emulators } = await this.start(kind);
    for (const pid of [emulators.azurite?.pid, emulators.cosmos?.pid])
      if (pid !== undefined) resetPeakRss(pid);
  }

  async peaks(kind: StackKind, names: ('Azurite' | 'Cosmos')[]): Promise<Record<string, number>> {
    const { emulators } = await this.start(kind);
    const peaks: Record<string, number> = {};
    if (names.includes('Azurite') && emulators.azurite?.pid !== undefined)
      peaks.Azurite = peakRssMb(emulators.azurite.pid);
    if (names.includes('Cosmos') && emulators.cosmos?.pid !== undefined)
      peaks.Cosmos = peakRssMb(emulators.cosmos.pid);
    return peaks;
  }

  /**
   * Stops a stack after a run; the next run starts it again. For the in-memory stack: in-memory
   * Azurite keeps every queue message in an extent of its own and sweeps the deleted ones once a
   * minute, removing each from an unindexed collection without yielding, so after a fan-out of
   * 10,000 it burns a core and answers no request for minutes, and on a shared Azurite that lands
   * on the runs after it.
   */
  async retire(kind: StackKind): Promise<void> {
    const starting = this.running.get(kind);
    if (!starting) return;
    this.running.delete(kind);
    const { emulators, stateDir } = await starting;
    await emulators.stop();
    await fs.promises.rm(stateDir, { recursive: true, force: true });
  }

  async stopAll(): Promise<void> {
    for (const kind of [...this.running.keys()]) await this.retire(kind);
  }

  private start(kind: StackKind): Promise<Running> {
    let starting = this.running.get(kind);
    if (!starting) {
      starting = (async () => {
        const stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `devhost-bench-${kind}-`));
        const emulators = await startEmulators({
          appDir: repoRoot(),
          stateDir,
          emulators: ['azurite', 'cosmos'],
          ports: await freeStackPorts(),
          inMemory: kind === 'memory',
          settings: {},
          supervise: false,
          detached: false,
        });
        return { emulators, stateDir };
      })();
      this.running.set(kind, starting);
    }
    return starting;
  }
}
