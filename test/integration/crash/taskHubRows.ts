/**
 * Test helpers over a task hub in Azurite: queue starts before any devhost runs (as a client of
 * the hub would), and wait for instances to end by reading the raw `<Hub>Instances` rows.
 */
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { RealClock } from '../../../devhost/src/clock/realClock';
import { EventType, type ExecutionStartedEvent } from '../../../devhost/src/protocol/history';
import { AzureTaskHubStore } from '../../../devhost/src/store/azure/azureTaskHubStore';
import { escapePartitionKey } from '../../../devhost/src/store/azure/keySanitation';

export interface QueuedStart {
  id: string;
  name: string;
  /** JSON text. */
  input?: string;
}

/** Writes Pending rows and start messages, `parallel` at a time, then gives the hub back. */
export async function queueStarts(
  connectionString: string,
  hub: string,
  starts: readonly QueuedStart[],
  parallel = 1,
): Promise<void> {
  const store = await AzureTaskHubStore.open({
    taskHubName: hub,
    connectionString,
    clock: new RealClock(),
    leaseWaitMs: 0,
  });
  try {
    const pending = [...starts];
    const workers = Array.from({ length: parallel }, async () => {
      for (let start = pending.shift(); start; start = pending.shift()) {
        const executionId = randomUUID().replace(/-/g, '');
        const instance = { InstanceId: start.id, ExecutionId: executionId };
        const event: ExecutionStartedEvent = {
          EventType: EventType.ExecutionStarted,
          EventId: -1,
          IsPlayed: false,
          Timestamp: new Date().toISOString(),
          OrchestrationInstance: instance,
          ParentInstance: null,
          Name: start.name,
          Version: null,
          Input: start.input ?? null,
          Tags: null,
          Correlation: null,
          ScheduledStartTime: null,
          Generation: 0,
        };
        await store.createInstance(
          { event, orchestrationInstance: instance },
          { dedupeStatuses: ['Running', 'Pending', 'Suspended'] },
        );
      }
    });
    await Promise.all(workers);
  } finally {
    await store.close();
  }
}

/** Polls the Instances rows until every instance is Completed, Failed or Terminated. */
export async function waitForTerminal(
  connectionString: string,
  hub: string,
  ids: readonly string[],
  timeoutMs = 60_000,
): Promise<Map<string, Record<string, unknown>>> {
  const table = TableClient.fromConnectionString(connectionString, `${hub}Instances`, {
    allowInsecureConnection: true,
  });
  const deadline = Date.now() + timeoutMs;
  const rows = new Map<string, Record<string, unknown>>();
  const ended = (row: Record<string, unknown> | undefined): boolean =>
    ['Completed', 'Failed', 'Terminated'].includes(String(row?.RuntimeStatus));
  for (;;) {
    for (const id of ids) {
      if (ended(rows.get(id))) continue;
      try {
        rows.set(id, await table.getEntity<Record<string, unknown>>(escapePartitionKey(id), ''));
      } catch {
        // not written yet
      }
    }
    if (ids.every((id) => ended(rows.get(id)))) return rows;
    if (Date.now() > deadline) {
      const open = ids.filter((id) => !ended(rows.get(id)));
      throw new Error(
        `${open.length} instance(s) did not finish: ${JSON.stringify(open.slice(0, 5).map((id) => rows.get(id) ?? id))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
