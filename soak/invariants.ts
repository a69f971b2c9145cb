/**
 * What must hold after the soak, read from where the truth is: the task hub's `<Hub>Instances`
 * table and the app's Cosmos containers. Each broken rule is one line naming what broke it;
 * the soak passes when there are none.
 */
import { TableClient } from '@azure/data-tables';
import { unescapePartitionKey } from '../devhost/src/store/azure/keySanitation';
import type { ApprovalTaskDoc } from '../src/data/approvalRepository';
import type { OrderDoc } from '../src/data/orderRepository';
import type { OutboxMessage } from '../src/data/outboxRepository';
import type { ProductDoc } from '../src/data/productRepository';
import type { Containers } from '../src/data/dataStore';
import type { LedgerEntry } from '../src/payments/paymentGateway';
import type { DecisionRecord } from './approver';
import type { StartRecord } from './client';
import type { ApprovalWork, BatchWork, OrderWork, Work, Workload } from './workload';
import { LIMITED, PLENTY } from './workload';

export interface InstanceRow {
  id: string;
  name: string;
  status: string;
  output: unknown;
}

export interface Findings {
  violations: string[];
  /** Instances by orchestrator and outcome, e.g. `processOrder: { Completed: 120, PaymentFailed: 30 }`. */
  outcomes: Record<string, Record<string, number>>;
  instances: number;
  /** Orders stored without a workflow that ReconcileOrders abandoned. */
  abandoned: number;
  acknowledged: number;
  charges: number;
  refunds: number;
}

const TERMINAL = ['Completed', 'Failed', 'Terminated'];

/**
 * The orchestration instances of the hub (entities, whose ids start with `@`, live as long as
 * their state and are never terminal, so they are left out).
 */
export async function readInstances(
  connectionString: string,
  hub: string,
): Promise<Map<string, InstanceRow>> {
  const table = TableClient.fromConnectionString(connectionString, `${hub}Instances`, {
    allowInsecureConnection: true,
  });
  const rows = new Map<string, InstanceRow>();
  for await (const entity of table.listEntities<Record<string, unknown>>({
    queryOptions: { select: ['PartitionKey', 'Name', 'RuntimeStatus', 'Output'] },
  })) {
    const id = unescapePartitionKey(String(entity.partitionKey));
    if (id.startsWith('@')) continue;
    let output: unknown = entity.Output;
    if (typeof output === 'string') {
      try {
        output = JSON.parse(output);
      } catch {
        // kept as text
      }
    }
    rows.set(id, { id, name: String(entity.Name), status: String(entity.RuntimeStatus), output });
  }
  return rows;
}

async function all<T>(container: Containers[keyof Containers]): Promise<T[]> {
  const { resources } = await container.items.readAll().fetchAll();
  return resources as unknown as T[];
}

export interface CheckInput {
  workload: Workload;
  starts: readonly StartRecord[];
  decisions: ReadonlyMap<string, DecisionRecord>;
  instances: ReadonlyMap<string, InstanceRow>;
  containers: Containers;
}

export async function checkInvariants(input: CheckInput): Promise<Findings> {
  const { workload, starts, decisions, instances, containers } = input;
  const violations: string[] = [];
  const fail = (line: string) => violations.push(line);
  const statusOf = (row: InstanceRow | undefined) => (row?.output as { status?: string } | undefined)?.status;

  // Every instance ended, and none in a runtime failure.
  const outcomes: Findings['outcomes'] = {};
  for (const row of instances.values()) {
    if (!TERMINAL.includes(row.status)) fail(`${row.id} (${row.name}) is still ${row.status}`);
    else if (row.status !== 'Completed')
      fail(`${row.id} (${row.name}) ended ${row.status}: ${JSON.stringify(row.output)}`);
    const byName = (outcomes[row.name] ??= {});
    const outcome = statusOf(row) ?? row.status;
    byName[outcome] = (byName[outcome] ?? 0) + 1;
  }

  // Nothing acknowledged is missing; every start was answered.
  const startOf = new Map<string, StartRecord>(starts.map((s) => [s.work.id, s]));
  let acknowledged = 0;
  for (const work of workload.all()) {
    const start = startOf.get(work.id);
    if (!start) {
      fail(`${work.instanceId} was never posted`);
      continue;
    }
    if (start.outcome === 'failed')
      fail(
        `${work.instanceId} could not be started: ${start.answers.join(', ')} ${JSON.stringify(start.last)}`,
      );
    if (start.outcome === 'accepted') acknowledged += 1;
    if ((start.outcome === 'accepted' || start.outcome === 'existing') && !instances.has(work.instanceId))
      fail(`${work.instanceId} was acknowledged (${start.answers.join(', ')}) but has no instance`);
  }

  const [orders, products, ledger, tokens, approvals, outbox] = await Promise.all([
    all<OrderDoc>(containers.orders),
    all<ProductDoc>(containers.products),
    all<LedgerEntry>(containers.gatewayLedger),
    all<{ orderId: string }>(containers.paymentTokens),
    all<ApprovalTaskDoc>(containers.approvals),
    all<OutboxMessage>(containers.outbox),
  ]);
  const orderDocs = new Map(orders.map((o) => [o.id, o]));
  const count = <T>(items: readonly T[], key: (item: T) => string) => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    return counts;
  };
  const charges = ledger.filter((e) => e.kind === 'charge');
  const refunds = ledger.filter((e) => e.kind === 'refund');
  const chargesOf = (id: string) => charges.filter((e) => e.idempotencyKey === `charge:${id}`);
  const tokensPerOrder = count(tokens, (t) => t.orderId);

  let abandoned = 0;
  const completedOn = new Map<string, Map<string, number>>([
    [PLENTY.id, new Map()],
    [LIMITED.id, new Map()],
  ]);
  for (const work of workload.all().filter((w): w is OrderWork => w.kind === 'order')) {
    const row = instances.get(work.instanceId);
    const doc = orderDocs.get(work.id);
    const start = startOf.get(work.id);
    const mine = chargesOf(work.id);
    if (mine.length > 1) fail(`order ${work.id} was charged ${mine.length} times`);
    if ((tokensPerOrder.get(work.id) ?? 0) > 1)
      fail(`order ${work.id} has ${tokensPerOrder.get(work.id)} stored payment tokens`);
    if (!row) {
      // Never started: only an order nobody was told about, and then it is abandoned or absent.
      if (!doc) continue;
      if (doc.outcome?.status === 'Abandoned') {
        abandoned += 1;
        if (start?.outcome !== 'gaveUp')
          fail(`order ${work.id} was abandoned though its client got ${start?.answers.join(', ')}`);
        if (tokensPerOrder.get(work.id)) fail(`abandoned order ${work.id} still has a stored payment token`);
        if (mine.length > 0) fail(`abandoned order ${work.id} was charged`);
      } else {
        fail(`order ${work.id} is stored without a workflow and was not reconciled`);
      }
      continue;
    }
    const status = statusOf(row);
    const expected: Record<OrderWork['order'], string[]> = {
      paid: ['Completed'],
      declined: ['PaymentFailed'],
      limited: ['Completed', 'OutOfStock'],
      undeliverable: ['ShipmentFailed'],
    };
    if (!expected[work.order].includes(String(status)))
      fail(
        `order ${work.id} (${work.order}) ended ${String(status)}, not ${expected[work.order].join(' or ')}`,
      );
    if (doc?.outcome?.status !== status)
      fail(
        `order ${work.id}: the document records ${String(doc?.outcome?.status)}, the workflow ${String(status)}`,
      );
    const charged = mine.filter((e) => e.status === 'succeeded').length;
    const declined = mine.filter((e) => e.status === 'declined').length;
    const refunded = refunds.filter((r) => mine.some((c) => c.gatewayId === r.chargeId)).length;
    const money = { charged, declined, refunded };
    const wanted: Record<string, typeof money> = {
      Completed: { charged: 1, declined: 0, refunded: 0 },
      PaymentFailed: { charged: 0, declined: 1, refunded: 0 },
      ShipmentFailed: { charged: 1, declined: 0, refunded: 1 },
      OutOfStock: { charged: 0, declined: 0, refunded: 0 },
    };
    const want = wanted[String(status)];
    if (want && JSON.stringify(money) !== JSON.stringify(want))
      fail(
        `order ${work.id} (${String(status)}): ledger ${JSON.stringify(money)}, expected ${JSON.stringify(want)}`,
      );
    if (status === 'Completed') completedOn.get(work.productId)?.set(work.id, work.quantity);
  }
  for (const refund of refunds) {
    const forCharge = refunds.filter((r) => r.chargeId === refund.chargeId).length;
    if (forCharge > 1) fail(`charge ${String(refund.chargeId)} was refunded ${forCharge} times`);
  }

  // Stock adds up: nothing sold but the completed orders, nothing negative.
  for (const [productId, completed] of completedOn) {
    const product = products.find((p) => p.id === productId);
    const initial = productId === LIMITED.id ? workload.limitedStock : PLENTY.stock;
    if (!product) {
      fail(`product ${productId} is missing`);
      continue;
    }
    const reserved = Object.values(product.reservations).reduce((sum, q) => sum + q, 0);
    const available = product.stock - reserved;
    if (product.stock !== initial) fail(`product ${productId}: stock ${product.stock}, initially ${initial}`);
    if (reserved < 0 || available < 0)
      fail(`product ${productId}: reserved ${reserved}, available ${available} (initially ${initial})`);
    const expected = JSON.stringify([...completed].sort());
    const actual = JSON.stringify(Object.entries(product.reservations).sort());
    if (expected !== actual)
      fail(`product ${productId}: reservations ${actual} are not the completed orders' ${expected}`);
  }

  for (const work of workload.all().filter((w): w is BatchWork => w.kind === 'batch')) {
    const row = instances.get(work.instanceId);
    if (!row) continue;
    const output = row.output as {
      status?: string;
      total?: number;
      succeeded?: number;
      rejected?: number;
      failed?: number;
    };
    const got = {
      total: output.total,
      succeeded: output.succeeded,
      rejected: output.rejected,
      failed: output.failed,
    };
    const want = {
      total: work.succeeded + work.rejected,
      succeeded: work.succeeded,
      rejected: work.rejected,
      failed: 0,
    };
    if (JSON.stringify(got) !== JSON.stringify(want))
      fail(`batch ${work.id}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }

  const approvalDocs = new Map(approvals.map((a) => [a.id, a]));
  const notices = count(
    outbox.filter((m) => ['ApprovalApproved', 'ApprovalRejected', 'ApprovalTimeout'].includes(m.kind)),
    (m) => m.id.slice(m.id.indexOf(':') + 1),
  );
  for (const work of workload.all().filter((w): w is ApprovalWork => w.kind === 'approval')) {
    const row = instances.get(work.instanceId);
    if (!row) continue;
    const status = String(statusOf(row));
    const record = decisions.get(work.id);
    const submissions = record?.submissions ?? [];
    const okDecisions = submissions.filter((s) => s.final?.status === 200).map((s) => s.decision);
    const expected: Record<ApprovalWork['plan'], string[]> = {
      approve: ['Approved'],
      reject: ['Rejected'],
      twice: ['Approved'],
      race: ['Approved', 'Rejected'],
      timeout: ['Timeout'],
    };
    if (!expected[work.plan].includes(status)) fail(`approval ${work.id} (${work.plan}) ended ${status}`);
    if (okDecisions.length > 1)
      fail(`approval ${work.id} was decided ${okDecisions.length} times: ${okDecisions.join(', ')}`);
    if (okDecisions.length === 1 && okDecisions[0] !== status)
      fail(`approval ${work.id}: the approver was told ${okDecisions[0]}, the workflow ended ${status}`);
    if (work.plan === 'twice' && submissions[1]?.final?.status !== 409)
      fail(`approval ${work.id}: the second answer got ${JSON.stringify(submissions[1]?.final)}, not 409`);
    const doc = approvalDocs.get(work.id);
    const recorded = doc?.status === 'TimedOut' ? 'Timeout' : doc?.status;
    if (recorded !== status)
      fail(`approval ${work.id}: recorded ${String(doc?.status)}, the workflow ended ${status}`);
    if (notices.get(work.id) !== 1)
      fail(`approval ${work.id} has ${notices.get(work.id) ?? 0} decision notices, not one`);
  }

  for (const work of workload.all().filter((w: Work) => w.kind === 'operation')) {
    const status = statusOf(instances.get(work.instanceId));
    if (status !== undefined && status !== 'Succeeded' && status !== 'HandledFailure')
      fail(`operation ${work.id} ended ${status}`);
  }

  return {
    violations,
    outcomes,
    instances: instances.size,
    abandoned,
    acknowledged,
    charges: charges.length,
    refunds: refunds.length,
  };
}
