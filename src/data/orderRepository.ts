import { type Container } from '@azure/cosmos';
import { type Order, type RecordedOrderOutcome } from '../domain';
import { createOnce } from './createOnce';
import { compareAndSwap, DEFAULT_ETAG_POLICY, type EtagRetryPolicy } from './etagRetry';

export interface OrderDoc extends Order {
  instanceId: string;
  totalCents: number;
  createdAt: string;
  /**
   * When a later request last set out to start the workflow of this stored order (its first
   * request died between storing it and starting it); absent, `createdAt` stands for it.
   */
  startAttemptAt?: string;
  /** Set once, by the order's own workflow when it ends, or by the sweep that abandons it. */
  outcome?: RecordedOrderOutcome;
  finishedAt?: string;
}

export type ClaimResult =
  { outcome: 'Claimed'; doc: OrderDoc } | { outcome: 'Ended'; doc: OrderDoc } | { outcome: 'NotFound' };

export type RecordOutcomeResult =
  | { outcome: 'Recorded' | 'AlreadyRecorded'; doc: OrderDoc }
  | { outcome: 'NotFound' }
  | { outcome: 'OtherWorkflow' };

export class OrderRepository {
  constructor(
    private readonly container: Container,
    private readonly policy: EtagRetryPolicy = DEFAULT_ETAG_POLICY,
  ) {}

  /** `created: false` means the order id was taken: the caller reports the existing run. */
  create(doc: OrderDoc): Promise<{ created: boolean; doc: OrderDoc }> {
    return createOnce(this.container, doc, doc.id);
  }

  async get(orderId: string): Promise<OrderDoc | undefined> {
    const { resource } = await this.container.item(orderId, orderId).read<OrderDoc>();
    return resource ? stripSystemFields(resource) : undefined;
  }

  /** True when the order's workflow recorded that it completed: nothing of it may be undone. */
  async hasCompleted(orderId: string): Promise<boolean> {
    return (await this.get(orderId))?.outcome?.status === 'Completed';
  }

  /**
   * Records how the order ended, once, and only from the workflow the order names: the first
   * outcome stays, whatever runs later.
   */
  recordOutcome(
    orderId: string,
    instanceId: string,
    outcome: RecordedOrderOutcome,
    at: string,
  ): Promise<RecordOutcomeResult> {
    return compareAndSwap<OrderDoc, RecordOutcomeResult>(
      this.container,
      orderId,
      orderId,
      (doc) => {
        if (!doc) return { result: { outcome: 'NotFound' } };
        if (doc.instanceId !== instanceId) return { result: { outcome: 'OtherWorkflow' } };
        if (doc.outcome) return { result: { outcome: 'AlreadyRecorded', doc: stripSystemFields(doc) } };
        const write: OrderDoc = { ...doc, outcome, finishedAt: at };
        return { write, result: { outcome: 'Recorded', doc: stripSystemFields(write) } };
      },
      this.policy,
    );
  }

  /**
   * A request that found the order stored without a workflow notes, with If-Match, that it is
   * about to start it: the sweep abandons only orders with no start attempt since its cutoff, so
   * it never abandons an order a request is starting. `Ended` when the sweep (or a workflow) got
   * there first.
   */
  claimStart(orderId: string, at: string): Promise<ClaimResult> {
    return compareAndSwap<OrderDoc, ClaimResult>(
      this.container,
      orderId,
      orderId,
      (doc) => {
        if (!doc) return { result: { outcome: 'NotFound' } };
        if (doc.outcome) return { result: { outcome: 'Ended', doc: stripSystemFields(doc) } };
        const write: OrderDoc = { ...doc, startAttemptAt: at };
        return { write, result: { outcome: 'Claimed', doc: stripSystemFields(write) } };
      },
      this.policy,
    );
  }

  /**
   * Orders without an outcome whose last start attempt is older than `cutoff` (ISO), oldest
   * first, at most `limit`: the candidates of the reconciliation sweep. Orders still running are
   * among them too; the sweep asks the task hub about each.
   */
  async listUnfinishedBefore(cutoff: string, limit: number): Promise<OrderDoc[]> {
    const { resources } = await this.container.items
      .query<OrderDoc>({
        query:
          'SELECT * FROM c WHERE NOT IS_DEFINED(c.outcome) AND c.createdAt < @cutoff ORDER BY c.createdAt',
        parameters: [{ name: '@cutoff', value: cutoff }],
      })
      .fetchAll();
    return resources
      .map(stripSystemFields)
      .filter((doc) => lastStartAttempt(doc) < cutoff)
      .slice(0, limit);
  }

  /**
   * Records `Abandoned` for an order whose workflow never started, with If-Match, only while it
   * still has no outcome and no start attempt since `cutoff`: a request that claimed it since wins.
   */
  abandon(orderId: string, cutoff: string, outcome: RecordedOrderOutcome, at: string): Promise<boolean> {
    return compareAndSwap<OrderDoc, boolean>(
      this.container,
      orderId,
      orderId,
      (doc) => {
        if (!doc || doc.outcome || lastStartAttempt(doc) >= cutoff) return { result: false };
        return { write: { ...doc, outcome, finishedAt: at }, result: true };
      },
      this.policy,
    );
  }

  /** The customer's orders, for the statistics endpoint to check the entity's ledger against. */
  async listForCustomer(customerId: string): Promise<OrderDoc[]> {
    const { resources } = await this.container.items
      .query<OrderDoc>({
        query: 'SELECT * FROM c WHERE c.customerId = @c',
        parameters: [{ name: '@c', value: customerId }],
      })
      .fetchAll();
    return resources.map(stripSystemFields);
  }
}

function lastStartAttempt(doc: OrderDoc): string {
  return doc.startAttemptAt ?? doc.createdAt;
}

/** Cosmos adds `_rid`, `_etag`…; the business view shows only what the app wrote. */
function stripSystemFields<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_'))) as T;
}
