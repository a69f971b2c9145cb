import { type Container, type ItemDefinition } from '@azure/cosmos';
import { ConcurrencyExhaustedError, isPreconditionFailed } from './errors';

export interface EtagRetryPolicy {
  maxAttempts: number;
  /** Upper bound of the random pause before re-reading; spreads out colliding writers. */
  maxBackoffMs: number;
  onConflict?: () => void;
}

export const DEFAULT_ETAG_POLICY: EtagRetryPolicy = { maxAttempts: 100, maxBackoffMs: 20 };

export type Mutation<T, R> = { write: T; result: R } | { write?: undefined; result: R };

/**
 * Read, decide, replace with If-Match; on 412 re-read and decide again. `decide` must be pure:
 * it may run many times and only the run whose write lands counts.
 */
export async function compareAndSwap<T extends ItemDefinition, R>(
  container: Container,
  id: string,
  partitionKey: string,
  decide: (current: T | undefined) => Mutation<T, R>,
  policy: EtagRetryPolicy = DEFAULT_ETAG_POLICY,
): Promise<R> {
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const { resource, etag } = await container.item(id, partitionKey).read<T>();
    const mutation = decide(resource);
    if (mutation.write === undefined) return mutation.result;
    try {
      if (resource === undefined) {
        await container.items.create(mutation.write);
      } else {
        await container
          .item(id, partitionKey)
          .replace(mutation.write, { accessCondition: { type: 'IfMatch', condition: etag } });
      }
      return mutation.result;
    } catch (err) {
      const lostRace = isPreconditionFailed(err) || (resource === undefined && isCosmos409(err));
      if (!lostRace) throw err;
      policy.onConflict?.();
      await pause(Math.random() * policy.maxBackoffMs * Math.min(attempt, 5));
    }
  }
  throw new ConcurrencyExhaustedError(
    `Document ${id} kept changing under ${policy.maxAttempts} compare-and-swap attempts`,
  );
}

function isCosmos409(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 409;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
