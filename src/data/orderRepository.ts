import { type Container } from '@azure/cosmos';
import { type Order, type RecordedOrderOutcome } from '../domain';
import { createOnce } from './createOnce';
import { compareAndSwap, DEFAULT_ETAG_POLICY, type EtagRetryPolicy } from './etagRetry';

export interface OrderDoc extends Order {
  instanceId: string;
  totalCents: number;
  createdAt: string;
  /** Set once, by the order's own workflow when it ends. */
  outcome?: RecordedOrderOutcome;
  finishedAt?: string;
}

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

/** Cosmos adds `_rid`, `_etag`…; the business view shows only what the app wrote. */
function stripSystemFields<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_'))) as T;
}
