import { connectOutbox, listOutbox, outboxTarget } from '../../../devhost/src/emulators/outbox/outboxWatcher';
import { nativeProcess } from '../../../devhost/src/worker/nativeModules';
import { type AppDevhost, startAppDevhost } from '../../support/appDevhost';
import { orderRequest } from '../../support/orders';

/** The app over HTTP, as a user drives it: devhost on a free port with keys enforced, Cosmos in-process. */
describe('the order workflows app over HTTP', () => {
  let app: AppDevhost;
  let host: AppDevhost['host'];

  beforeAll(async () => {
    app = await startAppDevhost('app-e2e-');
    host = app.host;
  });

  afterAll(async () => {
    await app?.stop();
  });

  const http: AppDevhost['http'] = (...args) => app.http(...args);
  /** No timer is involved, so the instance settles within a few polls. */
  const settled = (statusUrl: string) => app.settled(statusUrl, 500);

  const order = (id: string, token = 'tok_visa') =>
    orderRequest(id, {
      customerId: 'cust-http',
      items: [{ productId: 'gizmo-1', quantity: 4, unitPrice: 5 }],
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
