/**
 * Renews a work item's lease on the engine's clock before it runs out, as DTF's dispatchers do,
 * so a long activity (or a test that advances virtual time while one runs) does not hand the same
 * work to a second worker.
 */
import { StoreConflictError } from '../../store/errors';
import type { OrchestrationWorkItem, TaskHubStore } from '../../store/taskHubStore';
import type { Clock } from '../../clock/clock';

export function keepLeased(
  clock: Clock,
  lockedUntil: number,
  lockMs: number,
  renew: () => Promise<number>,
  onLost: (error: unknown) => void,
): () => void {
  let cancel: (() => void) | undefined;
  let stopped = false;
  const arm = (until: number): void => {
    if (stopped) return;
    const margin = Math.min(30_000, Math.floor(lockMs / 2));
    cancel = clock.schedule(until - margin, () => {
      if (stopped) return;
      renew().then(arm, (error: unknown) => {
        if (!stopped) onLost(error);
      });
    });
  };
  arm(lockedUntil);
  return () => {
    stopped = true;
    cancel?.();
  };
}

export interface LeasedWorkItemDeps {
  clock: Clock;
  store: Pick<TaskHubStore, 'renewOrchestrationWorkItem' | 'abandonOrchestrationWorkItem'>;
  lockMs: number;
  log: { warn(message: string): void; error(message: string): void };
}

/**
 * Runs one orchestration or entity work item under its lease, renewed while it runs. A checkpoint
 * that lost the ETag race is left to redelivery; any other failure gives the messages back with an
 * exponential delay (capped at the lock time), as DTF aborts the session and retries it later.
 */
export async function runLeasedWorkItem(
  deps: LeasedWorkItemDeps,
  workItem: OrchestrationWorkItem,
  what: string,
  run: () => Promise<void>,
): Promise<void> {
  const { clock, store, lockMs, log } = deps;
  const stopRenewing = keepLeased(
    clock,
    workItem.lockedUntil,
    lockMs,
    () => store.renewOrchestrationWorkItem(workItem, lockMs),
    (error) => log.warn(`Lost the lease on ${what}: ${describeError(error)}`),
  );
  try {
    await run();
  } catch (error) {
    if (error instanceof StoreConflictError) {
      log.warn(`${error.message} Its messages will be delivered again.`);
      return;
    }
    const attempt = workItem.messages.reduce((max, m) => Math.max(max, m.dequeueCount), 1);
    const delayMs = Math.min(2 ** attempt * 1000, lockMs);
    log.error(
      `devhost failed while running ${what} (attempt ${attempt}); retrying in ${delayMs} ms: ${describeError(error)}`,
    );
    await store.abandonOrchestrationWorkItem(workItem, delayMs);
  } finally {
    stopRenewing();
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
