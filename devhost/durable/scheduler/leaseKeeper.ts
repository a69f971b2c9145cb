/**
 * Renews a work item's lease on the engine's clock before it runs out, as DTF's dispatchers do,
 * so a long activity (or a test that advances virtual time while one runs) does not hand the same
 * work to a second worker.
 */
import type { Clock } from './clock';

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
