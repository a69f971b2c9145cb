/**
 * The real app (repository root, built dist/) on devhost's azure store, killed at each crash point
 * (DEVHOST_CRASH_AT) and started again on the same Azurite and Cosmos: every order, batch and
 * approval reaches the result it would have reached without the crash, the stored histories keep
 * their invariants, the payment gateway's ledger holds one charge per order, and stock adds up.
 *
 * Every crash point runs the full set (two orders, a five-item batch, an approval that times out
 * after 1 s on the real clock), plus one case with a second crash while recovering. The cases run
 * one after another on one Azurite and one Cosmos server, each with its own task hub and database.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CosmosClient, type Database } from '@azure/cosmos';
import { TableClient } from '@azure/data-tables';
import { SAMPLE_PRODUCTS } from '../../../src/data/seed';
import type { LedgerEntry } from '../../../src/payments/paymentGateway';
import type { OrderDoc } from '../../../src/data/orderRepository';
import type { ProductDoc } from '../../../src/data/productRepository';
import { seed } from '../../../scripts/seed';
import { escapePartitionKey } from '../../../devhost/src/store/azure/keySanitation';
import {
  stopTestEmulators,
  testAzurite,
  testCosmos,
  type TestAzurite,
  type TestCosmos,
} from '../../../devhost/src/emulators/testing';
import { uniqueHubName } from '../../support/azuriteProcess';
import { CLI, startDevhostChild, type DevhostChild } from '../../support/devhostChild';
import { expectHistoryInvariants } from './historyInvariants';
import { CRASH_POINTS } from '../../../devhost/src/store/azure/crashPoints';

jest.setTimeout(120_000);

const APP_DIR = path.resolve(__dirname, '../../..');
const APPROVAL_TIMEOUT_SECONDS = 1;

let azurite: TestAzurite;
let cosmos: TestCosmos;
let client: CosmosClient;
let caseCounter = 0;

beforeAll(async () => {
  for (const file of [CLI, path.join(APP_DIR, 'dist/src/functions/startOrder.js')]) {
    if (!fs.existsSync(file)) throw new Error(`Build first (npm run build): ${file} is missing.`);
  }
  [azurite, cosmos] = await Promise.all([testAzurite(), testCosmos()]);
  client = new CosmosClient(cosmos.clientOptions);
});

afterAll(async () => {
  client?.dispose();
  await stopTestEmulators();
});

interface Case {
  hub: string;
  database: string;
  tag: string;
}

function env(c: Case, crashAt?: string): Record<string, string> {
  return {
    AzureWebJobsStorage: azurite.connectionString,
    TASKHUB_NAME: c.hub,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    COSMOS_DATABASE: c.database,
    PAYMENT_GATEWAY_LATENCY_MS: '0',
    DEVHOST_AZURE_VISIBILITY_MS: '1000',
    ...(crashAt ? { DEVHOST_CRASH_AT: crashAt } : {}),
  };
}

const ORDER_QUANTITY = 2;

function order(id: string, paymentMethodToken: string): unknown {
  return {
    id,
    customerId: 'cust-crash',
    items: [{ productId: 'widget-1', quantity: ORDER_QUANTITY, unitPrice: 19.99 }],
    currency: 'USD',
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
    paymentMethodToken,
  };
}

interface Start {
  route: string;
  body: unknown;
  instanceId: string;
}

function starts(c: Case): Start[] {
  const ok = `ok-${c.tag}`;
  const declined = `declined-${c.tag}`;
  const batch = `batch-${c.tag}`;
  const approval = `approval-${c.tag}`;
  return [
    { route: 'orders', body: order(ok, 'tok_visa'), instanceId: `order-${ok}` },
    { route: 'orders', body: order(declined, 'tok_chargeDeclined'), instanceId: `order-${declined}` },
    {
      route: 'batches',
      body: {
        batchId: batch,
        items: Array.from({ length: 5 }, (_, i) => ({
          itemId: `item-${i}`,
          productId: 'gizmo-1',
          quantity: 1,
        })),
      },
      instanceId: `batch-${batch}`,
    },
    {
      route: 'approvals',
      body: {
        requestId: approval,
        requestedBy: 'ada@example.com',
        approver: 'boss@example.com',
        subject: 'Crash test',
        timeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
      },
      instanceId: `approval-${approval}`,
    },
  ];
}

/**
 * Posts every start at once; a start whose devhost died under it is reported back, to be posted
 * again to the next devhost (the starters answer 409 for what did start, and start what did not).
 */
async function post(host: DevhostChild, all: readonly Start[]): Promise<Start[]> {
  const results = await Promise.allSettled(
    all.map(async (s) => {
      const response = await fetch(`${host.origin}/api/${s.route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(s.body),
      });
      if (response.status !== 202 && response.status !== 409) {
        throw new Error(`POST /api/${s.route} answered ${response.status}: ${await response.text()}`);
      }
    }),
  );
  const failed: Start[] = [];
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      const cause = r.reason instanceof Error ? r.reason.message : String(r.reason);
      if (cause.startsWith('POST ')) throw r.reason;
      failed.push(all[i]!);
    }
  });
  return failed;
}

type Row = Record<string, unknown>;

async function waitForTerminal(
  c: Case,
  ids: readonly string[],
  host: DevhostChild,
): Promise<Map<string, Row>> {
  const table = TableClient.fromConnectionString(azurite.connectionString, `${c.hub}Instances`, {
    allowInsecureConnection: true,
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = new Map<string, Row>();
    for (const id of ids) {
      try {
        rows.set(id, await table.getEntity<Row>(escapePartitionKey(id), ''));
      } catch {
        // not written yet
      }
    }
    const done = [...rows.values()].filter((r) =>
      ['Completed', 'Failed', 'Terminated'].includes(String(r.RuntimeStatus)),
    );
    if (done.length === ids.length) return rows;
    if (Date.now() > deadline) {
      throw new Error(
        `Instances did not finish: ${JSON.stringify([...rows.values()])}\ndevhost said:\n${host.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function all<T>(db: Database, container: string): Promise<T[]> {
  const { resources } = await db.container(container).items.readAll().fetchAll();
  return resources as T[];
}

async function expectMoneyAndStock(c: Case): Promise<void> {
  const db = client.database(c.database);
  const ledger = await all<LedgerEntry>(db, 'gatewayLedger');
  for (const orderId of [`ok-${c.tag}`, `declined-${c.tag}`]) {
    const charges = ledger.filter((e) => e.kind === 'charge' && e.idempotencyKey.endsWith(`:${orderId}`));
    expect({ orderId, charges: charges.length }).toEqual({ orderId, charges: 1 });
  }
  // The token of a request that died before starting its order was deleted by the retry that did.
  const tokens = await all<{ orderId: string }>(db, 'paymentTokens');
  for (const orderId of [`ok-${c.tag}`, `declined-${c.tag}`]) {
    expect({ orderId, tokens: tokens.filter((t) => t.orderId === orderId).length }).toEqual({
      orderId,
      tokens: 1,
    });
  }
  const charges = ledger.filter((e) => e.kind === 'charge');
  const refunds = ledger.filter((e) => e.kind === 'refund');
  expect(charges.map((e) => e.status).sort()).toEqual(['declined', 'succeeded']);
  for (const charge of charges) {
    expect(refunds.filter((r) => r.chargeId === charge.gatewayId).length).toBeLessThanOrEqual(1);
  }

  const products = await all<ProductDoc>(db, 'products');
  for (const product of products) {
    const initial = SAMPLE_PRODUCTS.find((p) => p.id === product.id)?.stock;
    const reserved = Object.values(product.reservations).reduce((sum, q) => sum + q, 0);
    const available = product.stock - reserved;
    expect({ id: product.id, stock: product.stock, nonNegative: available >= 0 && reserved >= 0 }).toEqual({
      id: product.id,
      stock: initial,
      nonNegative: true,
    });
    expect(reserved + available).toBe(initial);
  }
  const widget = products.find((p) => p.id === 'widget-1');
  // The completed order keeps its reservation (no fulfilment step yet); the declined one released it.
  expect(widget?.reservations).toEqual({ [`ok-${c.tag}`]: ORDER_QUANTITY });
}

function output(row: Row | undefined): unknown {
  return typeof row?.Output === 'string' ? (JSON.parse(row.Output) as unknown) : undefined;
}

async function crashAndRecover(crashes: string[]): Promise<void> {
  caseCounter += 1;
  const c: Case = {
    hub: uniqueHubName('appcrash'),
    database: `crash${process.pid}x${caseCounter}`,
    tag: `${crashes.join('-').replace(/[^a-z0-9-]/g, '')}-${process.pid}-${caseCounter}`,
  };
  await seed({ appDir: APP_DIR, settings: env(c) });
  const workflows = starts(c);

  const first = await startDevhostChild(env(c, crashes[0]), APP_DIR);
  let pending = await post(first, workflows);
  expect(await first.exited).toBe('SIGKILL');
  await first.stop();
  for (const crashAt of crashes.slice(1)) {
    const again = await startDevhostChild(env(c, crashAt), APP_DIR);
    pending = await post(again, pending);
    expect(await again.exited).toBe('SIGKILL');
    await again.stop();
  }
  const last = await startDevhostChild(env(c), APP_DIR);
  try {
    expect(await post(last, pending)).toEqual([]);
    const ids = workflows.map((s) => s.instanceId);
    const chunk = `${ids[2]}:chunk:0`;
    const rows = await waitForTerminal(c, [...ids, chunk], last);
    const [ok, declined, batch, approval] = ids.map((id) => rows.get(id));
    expect([ok, declined, batch, approval].map((r) => r?.RuntimeStatus)).toEqual(Array(4).fill('Completed'));
    expect(output(ok)).toMatchObject({ status: 'Completed', orderId: `ok-${c.tag}` });
    expect(output(declined)).toMatchObject({
      status: 'PaymentFailed',
      orderId: `declined-${c.tag}`,
      compensated: ['ReleaseInventory'],
    });
    expect(output(batch)).toMatchObject({
      status: 'Completed',
      total: 5,
      succeeded: 5,
      rejected: 0,
      failed: 0,
    });
    expect(output(approval)).toMatchObject({ status: 'Timeout', requestId: `approval-${c.tag}` });
    for (const id of [...ids, chunk]) await expectHistoryInvariants(azurite.connectionString, c.hub, id);
    await expectMoneyAndStock(c);
  } finally {
    await last.stop();
  }
}

describe('the app recovers from a devhost crash on the azure store', () => {
  it.each([...CRASH_POINTS])(
    'brings every order, batch and approval to its result after a crash at %s',
    async (point) => {
      await crashAndRecover([point]);
    },
  );

  it('brings every workflow to its result when devhost crashes again while recovering', async () => {
    await crashAndRecover(['after-history', 'activity-after-side-effect:3']);
  });

  it('abandons an order a crash left without a workflow, and deletes its token, when no retry comes', async () => {
    caseCounter += 1;
    const c: Case = {
      hub: uniqueHubName('appcrash'),
      database: `crash${process.pid}x${caseCounter}`,
      tag: `abandoned-${process.pid}-${caseCounter}`,
    };
    await seed({ appDir: APP_DIR, settings: env(c) });
    const [start] = starts(c);
    const first = await startDevhostChild(env(c, 'before-start'), APP_DIR);
    expect(await post(first, [start!])).toEqual([start]);
    expect(await first.exited).toBe('SIGKILL');
    await first.stop();

    const db = client.database(c.database);
    const orderId = `ok-${c.tag}`;
    const stored = async () =>
      (await db.container('orders').item(orderId, orderId).read<OrderDoc>()).resource;
    const tokens = async () =>
      (await all<{ orderId: string }>(db, 'paymentTokens')).filter((t) => t.orderId === orderId);
    const createdAt = Date.parse(String((await stored())?.createdAt));
    expect(await tokens()).toHaveLength(1);

    const last = await startDevhostChild({ ...env(c), ORDER_RECONCILE_AFTER_SECONDS: '1' }, APP_DIR);
    try {
      // The age the sweep needs has passed while devhost started again (if not, what is left of
      // the second); the admin API runs the sweep now.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, createdAt + 1_100 - Date.now())));
      const run = await fetch(`${last.origin}/admin/functions/ReconcileOrders`, { method: 'POST' });
      expect(run.status).toBe(202);
      let order = await stored();
      // Up to 30 s: on a loaded machine the sweep's queries wait for a core like everything else.
      for (let i = 0; i < 600 && !order?.outcome; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        order = await stored();
      }
      expect(order?.outcome).toMatchObject({ status: 'Abandoned', orderId });
      // The sweep deletes the token just after the mark: wait for it the same way.
      let left = await tokens();
      for (let i = 0; i < 600 && left.length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        left = await tokens();
      }
      expect(left).toEqual([]);

      const late = await fetch(`${last.origin}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(start!.body),
      });
      expect(late.status).toBe(409);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe('OrderAbandoned');
      const status = await fetch(`${last.origin}/api/status/${start!.instanceId}`);
      expect(status.status).toBe(404);
      const ledger = await all<LedgerEntry>(db, 'gatewayLedger');
      expect(ledger.filter((e) => e.idempotencyKey.endsWith(`:${orderId}`))).toEqual([]);
    } finally {
      await last.stop();
    }
  });
});
