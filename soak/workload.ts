/**
 * The soak's work: orders, batches, approvals and operations, each with the outcome its input
 * calls for, in a mixed order drawn from a seeded generator (the same seed, the same work).
 */
import { orderRequest } from '../test/support/orders';
import { seededRandom } from '../test/support/seededRandom';

/** Products the soak seeds: one nobody runs out of, one that runs out. */
export const PLENTY = {
  id: 'soak-plenty',
  name: 'Soak plenty',
  unitPrice: 5,
  currency: 'USD',
  stock: 1_000_000,
};
export const LIMITED = { id: 'soak-limited', name: 'Soak limited', unitPrice: 7, currency: 'USD', stock: 0 };
/** A product id the catalog does not have: batch items naming it are rejected. */
const MISSING_PRODUCT = 'soak-missing';

export type OrderKind = 'paid' | 'declined' | 'limited' | 'undeliverable';
export type ApprovalPlan = 'approve' | 'reject' | 'race' | 'twice' | 'timeout';

export interface OrderWork {
  kind: 'order';
  id: string;
  instanceId: string;
  order: OrderKind;
  productId: string;
  quantity: number;
  /** Clients that give up after a failed request instead of retrying (for the sweep to find). */
  givesUp: boolean;
  body: Record<string, unknown>;
}

export interface BatchWork {
  kind: 'batch';
  id: string;
  instanceId: string;
  succeeded: number;
  rejected: number;
  body: Record<string, unknown>;
}

export interface ApprovalWork {
  kind: 'approval';
  id: string;
  instanceId: string;
  plan: ApprovalPlan;
  body: Record<string, unknown>;
}

export interface OperationWork {
  kind: 'operation';
  id: string;
  instanceId: string;
  body: Record<string, unknown>;
}

export type Work = OrderWork | BatchWork | ApprovalWork | OperationWork;

export interface WorkloadSize {
  /** Orders posted while the faults are injected. */
  orders: number;
  /** Orders posted at once just before the SIGTERM. */
  backlog: number;
  batches: number;
  itemsPerBatch: number;
  approvals: number;
  operations: number;
  /** How long the approvals left unanswered wait (s). */
  approvalTimeoutSeconds: number;
  /** How long the answered ones may wait: long, so only an answer ends them. */
  answeredTimeoutSeconds: number;
}

export interface Workload {
  mixed: Work[];
  backlog: OrderWork[];
  all(): Work[];
  /** Stock of the limited product. */
  limitedStock: number;
}

const ORDER_KINDS: readonly [OrderKind, number][] = [
  ['paid', 0.6],
  ['declined', 0.15],
  ['limited', 0.15],
  ['undeliverable', 0.1],
];
const APPROVAL_PLANS: readonly ApprovalPlan[] = ['approve', 'reject', 'race', 'twice', 'timeout'];

function pick<T>(random: () => number, weighted: readonly [T, number][]): T {
  let roll = random();
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

export function planWorkload(size: WorkloadSize, runId: string, seed: number): Workload {
  const random = seededRandom(seed);
  let orderCount = 0;
  const order = (forced?: OrderKind): OrderWork => {
    orderCount += 1;
    // Every kind at least once, then by weight.
    const kind = forced ?? ORDER_KINDS[orderCount - 1]?.[0] ?? pick(random, ORDER_KINDS);
    const id = `soak-${runId}-o${orderCount}`;
    const productId = kind === 'limited' ? LIMITED.id : PLENTY.id;
    const quantity = kind === 'limited' ? 1 : 1 + Math.floor(random() * 3);
    const unitPrice = kind === 'limited' ? LIMITED.unitPrice : PLENTY.unitPrice;
    return {
      kind: 'order',
      id,
      instanceId: `order-${id}`,
      order: kind,
      productId,
      quantity,
      givesUp: random() < 0.2,
      body: {
        ...orderRequest(id, {
          customerId: `soak-cust-${orderCount % 7}`,
          items: [{ productId, quantity, unitPrice }],
          country: kind === 'undeliverable' ? 'AQ' : 'US',
          paymentMethodToken: kind === 'declined' ? 'tok_chargeDeclined' : 'tok_visa',
        }),
      },
    };
  };

  const mixed: Work[] = [];
  for (let i = 0; i < size.orders; i++) mixed.push(order());
  for (let b = 1; b <= size.batches; b++) {
    const id = `soak-${runId}-b${b}`;
    const items = Array.from({ length: size.itemsPerBatch }, (_, i) => ({
      itemId: `item-${i}`,
      productId: i % 5 === 4 ? MISSING_PRODUCT : PLENTY.id,
      quantity: 1 + (i % 3),
    }));
    const rejected = items.filter((i) => i.productId === MISSING_PRODUCT).length;
    mixed.push({
      kind: 'batch',
      id,
      instanceId: `batch-${id}`,
      succeeded: items.length - rejected,
      rejected,
      body: { batchId: id, items },
    });
  }
  for (let a = 1; a <= size.approvals; a++) {
    const id = `soak-${runId}-a${a}`;
    const plan = APPROVAL_PLANS[(a - 1) % APPROVAL_PLANS.length]!;
    mixed.push({
      kind: 'approval',
      id,
      instanceId: `approval-${id}`,
      plan,
      body: {
        requestId: id,
        requestedBy: 'ada@example.com',
        approver: 'boss@example.com',
        subject: `Soak request ${a}`,
        timeoutSeconds: plan === 'timeout' ? size.approvalTimeoutSeconds : size.answeredTimeoutSeconds,
      },
    });
  }
  for (let o = 1; o <= size.operations; o++) {
    const id = `soak-${runId}-op${o}`;
    mixed.push({ kind: 'operation', id, instanceId: `operation-${id}`, body: { operationId: id } });
  }
  // Fisher-Yates with the seeded generator.
  for (let i = mixed.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [mixed[i], mixed[j]] = [mixed[j]!, mixed[i]!];
  }
  const backlog = Array.from({ length: size.backlog }, () => order('paid'));
  const limitedOrders = mixed.filter((w) => w.kind === 'order' && w.order === 'limited').length;
  return {
    mixed,
    backlog,
    all: () => [...mixed, ...backlog],
    // About half the limited orders can be served: both outcomes occur.
    limitedStock: Math.max(1, Math.floor(limitedOrders / 2)),
  };
}
