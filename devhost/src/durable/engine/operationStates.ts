/**
 * The extension's state rules for the management operations: which statuses refuse a new start
 * under an existing id, which allow suspend and resume (refused with the extension's message
 * otherwise), and which instances are entities, which the orchestration operations do not see.
 */
import { DurableOperationError } from '../client/operations';
import type { RuntimeStatus } from '../../protocol/history';
import type { StoredInstance } from '../../store/taskHubStore';
import type { OverridableStates } from '../scheduler/settings';

/**
 * The statuses that refuse a new start under an existing id: EXT 2.13.7
 * `OverridableStatesExtensions.ToDedupeStatuses` — `NonRunningStates` (the default) refuses these,
 * `AnyState` none (a start replaces whatever runs under that id).
 */
export function dedupeStatuses(states: OverridableStates): readonly RuntimeStatus[] {
  return states === 'AnyState' ? [] : ['Running', 'ContinuedAsNew', 'Pending', 'Suspended'];
}

/** Suspend needs Running, Pending or ContinuedAsNew (EXT `IsOrchestrationSuspendable`). */
export function suspendable(row: StoredInstance): void {
  const status = row.runtimeStatus;
  if (status === 'Running' || status === 'Pending' || status === 'ContinuedAsNew') return;
  throw new DurableOperationError('invalidState', stateRefusal('suspend', row));
}

export function resumable(row: StoredInstance): void {
  if (row.runtimeStatus !== 'Suspended')
    throw new DurableOperationError('invalidState', stateRefusal('resume', row));
}

/** The extension's `InvalidOperationException` text (the status word is DTF's enum name). */
function stateRefusal(action: 'suspend' | 'resume', row: StoredInstance): string {
  return `Cannot ${action} the orchestration instance ${row.instanceId} because instance is in the ${row.runtimeStatus} state.`;
}

export function isEntity(row: StoredInstance): boolean {
  return row.instanceId.startsWith('@');
}
