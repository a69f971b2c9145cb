/** What every stored history must satisfy after a crash and recovery, read raw from `<Hub>History`. */
import { odata, TableClient } from '@azure/data-tables';
import { escapePartitionKey } from '../../../devhost/src/store/azure/keySanitation';

/** Events that take the next EventId of the orchestration's sequence. */
const SCHEDULING = ['TaskScheduled', 'TimerCreated', 'SubOrchestrationInstanceCreated', 'EventSent'];
/** Events that answer one scheduling event, named by TaskScheduledId (TimerId for timers). */
const COMPLETIONS = [
  'TaskCompleted',
  'TaskFailed',
  'TimerFired',
  'SubOrchestrationInstanceCompleted',
  'SubOrchestrationInstanceFailed',
];

type Row = Record<string, unknown>;

/**
 * One execution id, row keys without gaps, one completion per scheduled task, contiguous EventIds
 * for scheduling events, and exactly one ExecutionCompleted. Failures name the instance and list
 * its events.
 */
export async function expectHistoryInvariants(
  connectionString: string,
  hub: string,
  id: string,
): Promise<void> {
  const table = TableClient.fromConnectionString(connectionString, `${hub}History`, {
    allowInsecureConnection: true,
  });
  const rows: Row[] = [];
  for await (const row of table.listEntities<Row>({
    queryOptions: { filter: odata`PartitionKey eq ${escapePartitionKey(id)}` },
  })) {
    if (row.rowKey !== 'sentinel') rows.push(row);
  }
  rows.sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
  const context = { id, events: rows.map((r) => `${String(r.EventType)}#${String(r.EventId)}`) };
  expect({ ...context, executions: new Set(rows.map((r) => r.ExecutionId)).size }).toEqual({
    ...context,
    executions: 1,
  });
  expect(rows.map((r) => r.rowKey)).toEqual(
    rows.map((_, i) => i.toString(16).toUpperCase().padStart(16, '0')),
  );
  const completions = rows
    .filter((r) => COMPLETIONS.includes(String(r.EventType)))
    .map((r) => Number(r.TaskScheduledId ?? r.TimerId))
    .sort((a, b) => a - b);
  expect({ ...context, completions }).toEqual({ ...context, completions: [...new Set(completions)] });
  const scheduled = rows
    .filter((r) => SCHEDULING.includes(String(r.EventType)))
    .map((r) => Number(r.EventId));
  expect({ ...context, scheduled }).toEqual({ ...context, scheduled: scheduled.map((_, i) => i) });
  expect({ ...context, completed: rows.filter((r) => r.EventType === 'ExecutionCompleted').length }).toEqual({
    ...context,
    completed: 1,
  });
}
