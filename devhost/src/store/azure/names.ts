/** The task hub's Azure Storage resource names (DTFAS `AzureStorageOrchestrationService`). */
export interface TaskHubResourceNames {
  instancesTable: string;
  historyTable: string;
  controlQueues: string[];
  workItemQueue: string;
  leaseContainer: string;
  largeMessageContainer: string;
}

export const DEFAULT_PARTITION_COUNT = 4;

export function taskHubResourceNames(hubName: string, partitionCount: number): TaskHubResourceNames {
  const lower = hubName.toLowerCase();
  return {
    instancesTable: `${hubName}Instances`,
    historyTable: `${hubName}History`,
    controlQueues: Array.from(
      { length: partitionCount },
      (_, index) => `${lower}-control-${String(index).padStart(2, '0')}`,
    ),
    workItemQueue: `${lower}-workitems`,
    leaseContainer: `${lower}-leases`,
    largeMessageContainer: `${lower}-largemessages`,
  };
}
