import { type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { getConfig } from '../config';
import { occurrenceOf } from '../timerOccurrence';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Statuses an instance never leaves: Running, Pending, Suspended instances and entities stay. */
export const PURGED_STATUSES = [
  df.OrchestrationRuntimeStatus.Completed,
  df.OrchestrationRuntimeStatus.Failed,
  df.OrchestrationRuntimeStatus.Terminated,
];

/** Finished instances created more than `retentionDays` before `asOf`. */
export function purgeFilter(asOf: Date, retentionDays: number) {
  return {
    // The extension requires a lower bound; the epoch leaves none.
    createdTimeFrom: new Date(0),
    createdTimeTo: new Date(asOf.getTime() - retentionDays * DAY_MS),
    runtimeStatus: PURGED_STATUSES,
  };
}

/**
 * Timer, daily by default (HISTORY_PURGE_SCHEDULE): deletes the history of instances that
 * completed, failed or were terminated and were created more than HISTORY_RETENTION_DAYS ago.
 * Azure Storage task hubs keep every instance and history row until they are purged.
 */
export async function purgeHistory(
  timer: Timer,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<void> {
  const { HISTORY_RETENTION_DAYS } = getConfig();
  const filter = purgeFilter(occurrenceOf(timer), HISTORY_RETENTION_DAYS);
  const { instancesDeleted } = await client.purgeInstanceHistoryBy(filter);
  context.log(
    `Purged ${instancesDeleted} finished instances created before ${filter.createdTimeTo.toISOString()}`,
  );
}

df.app.client.timer('PurgeHistory', {
  schedule: '%HISTORY_PURGE_SCHEDULE%',
  handler: purgeHistory,
});
