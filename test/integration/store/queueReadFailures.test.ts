/**
 * How the queue reader speaks of reads that keep failing (storage stopped, as after
 * `devhost emulators stop` beside a running devhost): each queue's first failure once, then one
 * line for all the failing queues per interval, not one per queue. The queues point at a port
 * where nothing listens, so every read is refused, as it is with Azurite stopped.
 */
import { ContainerClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { freePort } from '../../../devhost/src/emulators/testing';
import { LargeBlobs } from '../../../devhost/src/store/azure/largeBlobs';
import type { Held } from '../../../devhost/src/store/azure/heldMessages';
import { QueueReader } from '../../../devhost/src/store/azure/queueReader';
import { StorageCalls } from '../../../devhost/src/store/azure/storageCalls';
import { TaskHubQueue } from '../../../devhost/src/store/azure/taskHubQueue';
import { LeaseTable } from '../../../devhost/src/store/leaseTable';
import { until } from '../../support/until';

it('says each queue once, then one line for all of them per interval', async () => {
  const base = `http://127.0.0.1:${await freePort()}/devstoreaccount1`;
  const calls = new StorageCalls();
  const blobs = new LargeBlobs(new ContainerClient(`${base}/large`));
  const queue = (name: string) =>
    new TaskHubQueue(
      new QueueClient(`${base}/${name}`, undefined, { retryOptions: { maxTries: 1 } }),
      blobs,
      calls,
    );
  const lines: string[] = [];
  const reader = new QueueReader({
    clock: new RealClock(),
    table: new LeaseTable<Held>(new RealClock()),
    controlQueues: ['hub-control-00', 'hub-control-01', 'hub-control-02'].map(queue),
    workItems: queue('hub-workitems'),
    visibilityMs: 10_000,
    maxPollMs: 40,
    bufferThreshold: 32,
    log: (_level, message) => lines.push(message),
    onUnreadable: () => Promise.resolve(),
    redelete: () => undefined,
    failingRepeatMs: 300,
  });
  try {
    const repeats = () => lines.filter((l) => l.startsWith('Still cannot read'));
    await until('two repeats', () => repeats().length >= 2);
    await reader.close();
    const firsts = lines.filter((l) => l.startsWith('Could not read the queue'));
    expect(firsts).toHaveLength(4);
    for (const line of repeats()) {
      expect(line).toMatch(
        /^Still cannot read 4 queues \('hub-control-00', 'hub-control-01', 'hub-control-02', 'hub-workitems'\) \(\d+ failed reads over \d+ s\): /,
      );
    }
    // One line per interval for all four (reads go every 10–40 ms each): not one per queue.
    const repeatsSeen = repeats().length;
    expect(lines).toHaveLength(4 + repeatsSeen);
  } finally {
    await reader.close();
  }
});
