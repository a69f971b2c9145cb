import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { durablePlugin } from '../../../devhost/durable/engine/durablePlugin';
import { createMemoryLogger } from '../../../devhost/log/logger';
import { connectOutbox, listOutbox, outboxTarget } from '../../../devhost/outbox/outboxWatcher';
import { startDevhost, type Devhost } from '../../../devhost/startDevhost';
import { nativeProcess } from '../../../devhost/worker/nativeModules';
import { startTestCosmos, type TestCosmos } from '../../unit/src/support/cosmosServer';

const appDir = path.resolve(__dirname, '../../..');

/** The app over HTTP, as a user drives it: devhost on a free port with keys enforced, Cosmos in-process. */
describe('the order workflows app over HTTP', () => {
  let cosmos: TestCosmos;
  let host: Devhost;
  let stateDir: string;
  let key: string;
  let saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    if (!fs.existsSync(path.join(appDir, 'dist/src/functions/startOrder.js'))) {
      throw new Error('The app is not built: run `npm run build` first (npm test does).');
    }
    cosmos = await startTestCosmos();
    const settings = {
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_DATABASE: cosmos.database.id,
      COSMOS_KEY: cosmos.key,
      PAYMENT_GATEWAY_LATENCY_MS: '0',
    };
    saved = Object.fromEntries(Object.keys(settings).map((k) => [k, nativeProcess().env[k]]));
    Object.assign(nativeProcess().env, settings);
    stateDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'app-e2e-'));
    host = await startDevhost({
      appDir,
      port: 0,
      stateDir,
      enforceKeys: true,
      logger: createMemoryLogger(),
      banner: false,
      plugins: [durablePlugin({ rpcPort: 0 })],
    });
    key = host.keys.keys.masterKey;
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete nativeProcess().env[k];
      else nativeProcess().env[k] = v;
    }
    await host?.stop();
    await cosmos?.close();
    if (stateDir) await fs.promises.rm(stateDir, { recursive: true, force: true });
  });

  async function http(method: string, route: string, options: { body?: unknown; key?: string | null } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const useKey = options.key === undefined ? key : options.key;
    if (useKey) headers['x-functions-key'] = useKey;
    const url = route.startsWith('http') ? route : `${host.url}${route}`;
    const response = await fetch(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  }

  /** Polls a status link until the instance leaves Pending/Running (no timer is involved). */
  async function settled(statusUrl: string) {
    for (let i = 0; i < 500; i++) {
      const status = await http('GET', statusUrl);
      const runtime = status.body?.runtimeStatus;
      if (runtime !== 'Running' && runtime !== 'Pending') return status.body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${statusUrl} did not settle`);
  }

  const order = (id: string, token = 'tok_visa') => ({
    id,
    customerId: 'cust-http',
    items: [{ productId: 'gizmo-1', quantity: 4, unitPrice: 5 }],
    currency: 'USD',
    shippingAddress: {
      name: 'Ada',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
    paymentMethodToken: token,
  });

  it('places an order, polls its status link and reads the business view', async () => {
    const started = await http('POST', '/api/orders', { body: order('http-1') });
    expect(started.status).toBe(202);
    const done = await settled(String(started.body.statusQueryGetUri));
    expect(done).toMatchObject({
      runtimeStatus: 'Completed',
      output: { status: 'Completed', orderId: 'http-1', totalCents: 2000 },
    });

    const view = await http('GET', '/api/orders/http-1');
    expect(view.body).toMatchObject({ order: { id: 'http-1' }, outcome: { status: 'Completed' } });
    const status = await http('GET', '/api/status/order-http-1');
    expect(Object.keys(status.body).sort()).toEqual(
      [
        'createdTime',
        'customStatus',
        'instanceId',
        'lastUpdatedTime',
        'name',
        'output',
        'runtimeStatus',
      ].sort(),
    );
    expect((await http('POST', '/api/orders', { body: order('http-1') })).status).toBe(409);
  });

  it('completes a declined card as PaymentFailed', async () => {
    const started = await http('POST', '/api/orders', { body: order('http-2', 'tok_chargeDeclined') });
    const done = await settled(String(started.body.statusQueryGetUri));
    expect(done).toMatchObject({
      runtimeStatus: 'Completed',
      output: { status: 'PaymentFailed', compensated: ['ReleaseInventory'] },
    });
  });

  it('enforces the auth levels: starters need a key, history the master key, approvals only their token', async () => {
    expect((await http('POST', '/api/orders', { body: order('http-3'), key: null })).status).toBe(401);
    expect((await http('GET', '/api/openapi.json', { key: null })).status).toBe(200);
    const submit = await http('POST', '/api/approvals/approval-none/response', {
      body: { decision: 'Approved' },
      key: null,
    });
    expect(submit.status).toBe(404);
    const functionKey = Object.values(host.keys.keys.functionKeys ?? {})[0];
    if (functionKey) {
      expect((await http('GET', '/api/status/order-http-1/history', { key: functionKey })).status).toBe(401);
    }
    expect((await http('GET', '/api/status/order-http-1/history')).status).toBe(200);
  });

  it('approves through the link in the outbox', async () => {
    const started = await http('POST', '/api/approvals', {
      body: {
        requestId: 'http-r1',
        requestedBy: 'ada@example.com',
        approver: 'boss@example.com',
        subject: 'Laptop',
      },
    });
    expect(started.status).toBe(202);
    let link: string | undefined;
    // devhost's outbox viewer stands in for the mailbox the approver would read.
    const outbox = connectOutbox(outboxTarget(nativeProcess().env));
    try {
      for (let i = 0; i < 500 && !link; i++) {
        const documents = await listOutbox(outbox.container);
        const request = documents.find((d) => d.id === 'ApprovalRequest:http-r1');
        link = typeof request?.link === 'string' ? request.link : undefined;
        if (!link) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      outbox.dispose();
    }
    expect(link).toBeDefined();
    expect(new URL(link!).origin).toBe(host.url);
    const decided = await http('POST', link!, { body: { decision: 'Approved' }, key: null });
    expect(decided.status).toBe(200);
    const done = await settled(String(started.body.statusQueryGetUri));
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { status: 'Approved' } });
  });
});
