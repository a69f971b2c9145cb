import { randomUUID } from 'node:crypto';
import { type AppDevhost, type HttpOptions, startAppDevhost } from '../../support/appDevhost';
import { orderRequest } from '../../support/orders';

type Answer = Awaited<ReturnType<AppDevhost['http']>>;

/**
 * The app's trust boundary, tried from outside as a client holding only a function key, against
 * devhost with keys enforced: no answer hands out a management key, and what a holder of the
 * system key can do around the app (raise events, restart instances, signal entities) changes no
 * stored decision, order or statistic.
 */
describe('the app keeps management keys and forged input out', () => {
  let app: AppDevhost;
  let functionKey: string;
  let systemKey: string;
  /** Every answer the function-key client got, headers included. */
  const seen: string[] = [];

  beforeAll(async () => {
    app = await startAppDevhost('app-trust-');
    functionKey = app.host.keys.keys.functionKeys.default!;
    systemKey = app.host.keys.keys.systemKeys.durabletask_extension!;
    expect(functionKey && systemKey).toBeTruthy();
  });

  afterAll(async () => {
    await app?.stop();
  });

  /** A client with the function key; records what it was told. */
  async function client(method: string, route: string, options: HttpOptions = {}): Promise<Answer> {
    const url = route.startsWith('http') ? route : `${app.host.url}${route}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const key = options.key === undefined ? functionKey : options.key;
    if (key) headers['x-functions-key'] = key;
    const body = options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    const answered: string[] = [];
    response.headers.forEach((value, name) => answered.push(`${name}: ${value}`));
    seen.push(`${response.status} ${answered.join('; ')}; ${text}`);
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, text, body: parsed as Record<string, unknown> };
  }

  /** The Durable HTTP API as a holder of the system key calls it. */
  const management = (method: string, path: string, body?: unknown) =>
    app.http(method, `/runtime/webhooks/durabletask/${path}`, {
      key: systemKey,
      ...(body !== undefined ? { body } : {}),
    });

  async function settledThroughApp(statusUrl: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 1500; i++) {
      const status = await client('GET', statusUrl);
      const runtime = status.body?.runtimeStatus;
      if (status.status === 200 && runtime !== 'Running' && runtime !== 'Pending') return status.body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${statusUrl} did not settle`);
  }

  /** Waits for a run of the instance that ended Invalid for `reason` (runs differ only in it). */
  async function invalidRun(instanceId: string, reason: RegExp): Promise<Record<string, unknown>> {
    let last: Answer | undefined;
    for (let i = 0; i < 500; i++) {
      last = await management('GET', `instances/${instanceId}`);
      const output = last.body?.output as { status?: string; reason?: string } | undefined;
      if (last.body?.runtimeStatus === 'Completed' && reason.test(output?.reason ?? '')) return last.body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${instanceId} did not end Invalid (${String(reason)}): ${last?.text.slice(0, 500)}`);
  }

  async function newProduct(stock: number): Promise<string> {
    const id = `p-${randomUUID().slice(0, 8)}`;
    await app.cosmos
      .repositories()
      .products.createIfMissing({ id, name: 'Trust', unitPrice: 5, currency: 'USD', stock });
    return id;
  }

  const order = (id: string, productId: string, customerId: string) =>
    orderRequest(id, { customerId, items: [{ productId, quantity: 2, unitPrice: 5 }] });

  async function approvalLink(requestId: string): Promise<string> {
    for (let i = 0; i < 500; i++) {
      const link = (await app.cosmos.repositories().outbox.get(`ApprovalRequest:${requestId}`))?.link;
      if (link) return link;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no approval link for ${requestId}`);
  }

  it("answers every starter and read with the app's own links, which a function key opens", async () => {
    const productId = await newProduct(10);
    const id = `trust-${productId}`;
    const started = await client('POST', '/api/orders', { body: order(id, productId, 'cust-trust') });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({
      id: `order-${id}`,
      statusQueryGetUri: `${app.host.url}/api/status/order-${id}`,
      resourceUri: `${app.host.url}/api/orders/${id}`,
    });
    expect(seen.at(-1)).toContain(`location: ${app.host.url}/api/status/order-${id};`);
    expect(await settledThroughApp(String(started.body.statusQueryGetUri))).toMatchObject({
      output: { status: 'Completed' },
    });
    expect((await client('POST', '/api/orders', { body: order(id, productId, 'cust-trust') })).status).toBe(
      409,
    );
    expect((await client('GET', String(started.body.resourceUri))).body).toMatchObject({
      outcome: { status: 'Completed' },
    });

    const batchId = `tb-${productId}`;
    const batch = await client('POST', '/api/batches', {
      body: { batchId, items: [{ itemId: 'i1', productId, quantity: 1 }] },
    });
    expect(batch.status).toBe(202);
    await settledThroughApp(String(batch.body.statusQueryGetUri));
    expect((await client('GET', String(batch.body.resourceUri))).status).toBe(200);
    expect(
      (
        await client('POST', '/api/batches', {
          body: { batchId, items: [{ itemId: 'i1', productId, quantity: 1 }] },
        })
      ).status,
    ).toBe(409);

    const requestId = `ta-${productId}`;
    const approval = await client('POST', '/api/approvals', {
      body: { requestId, requestedBy: 'ada@example.com', approver: 'boss@example.com', subject: 'Desk' },
    });
    expect(approval.status).toBe(202);
    expect((await client('GET', String(approval.body.resourceUri))).body).toMatchObject({
      approval: { status: 'Pending' },
    });
    const operation = await client('POST', '/api/operations', { body: { operationId: `to-${productId}` } });
    expect(operation.status).toBe(202);
    await client('GET', '/api/customers/cust-trust/stats');
    await client('GET', '/api/openapi.json', { key: null });
    await client('POST', `/api/approvals/approval-${requestId}/response`, {
      body: { decision: 'Approved' },
      key: null,
    });

    // The management routes need the master key; the function key opens none of them.
    for (const [method, route] of [
      ['GET', `/api/instances/order-${id}/links`],
      ['GET', `/api/status/order-${id}/history`],
      ['POST', `/api/instances/order-${id}/events/Ping`],
    ] as const) {
      expect((await client(method, route)).status).toBe(401);
    }
    const links = await app.http('GET', `/api/instances/order-${id}/links`);
    expect(String(links.body.sendEventPostUri)).toContain(`code=${encodeURIComponent(systemKey)}`);

    const everything = seen.join('\n');
    expect(everything).toContain(`order-${id}`);
    for (const secret of [systemKey, app.masterKey, encodeURIComponent(systemKey)]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain('/runtime/webhooks/durabletask');
  });

  it('keeps a self-approval raised with the system key out of Cosmos and the outcome', async () => {
    const requestId = `self-${randomUUID().slice(0, 8)}`;
    const instanceId = `approval-${requestId}`;
    const started = await client('POST', '/api/approvals', {
      body: { requestId, requestedBy: 'ada@example.com', approver: 'boss@example.com', subject: 'Raise' },
    });
    expect(started.status).toBe(202);
    const link = await approvalLink(requestId);

    const forged = await management('POST', `instances/${instanceId}/raiseEvent/ApprovalResponse`, {
      decision: 'Approved',
      decidedAt: new Date().toISOString(),
      comment: 'approved by myself',
    });
    expect(forged.status).toBe(202);
    // The forged event was delivered and read back against Cosmos, which holds no decision.
    for (let i = 0; i < 500; i++) {
      const history = await management('GET', `instances/${instanceId}?showHistory=true`);
      const events = (history.body.historyEvents ?? []) as { EventType?: string; FunctionName?: string }[];
      if (events.some((e) => e.FunctionName === 'ReadApprovalDecision' && e.EventType === 'TaskCompleted'))
        break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const waiting = await client('GET', `/api/approvals/${requestId}`);
    expect(waiting.body).toMatchObject({
      approval: { status: 'Pending', decidedAt: null },
      orchestration: { runtimeStatus: 'Running', customStatus: { step: 'AwaitingApproval' } },
    });

    expect((await client('POST', link, { body: { decision: 'Rejected' }, key: null })).status).toBe(200);
    const done = await settledThroughApp(String(started.body.statusQueryGetUri));
    expect(done.output).toMatchObject({ status: 'Rejected' });
    expect(JSON.stringify(done.output)).not.toContain('approved by myself');
    expect((await client('GET', `/api/approvals/${requestId}`)).body).toMatchObject({
      approval: { status: 'Rejected' },
    });
    expect(await app.cosmos.repositories().outbox.get(`ApprovalApproved:${requestId}`)).toBeUndefined();
  });

  it('changes nothing when a completed order is started again with altered input, or restarted', async () => {
    const productId = await newProduct(10);
    const id = `restart-${productId}`;
    const customerId = `cust-${productId}`;
    const instanceId = `order-${id}`;
    const started = await client('POST', '/api/orders', { body: order(id, productId, customerId) });
    expect(started.status).toBe(202);
    await settledThroughApp(String(started.body.statusQueryGetUri));
    const before = {
      order: (await client('GET', `/api/orders/${id}`)).body,
      stats: (await client('GET', `/api/customers/${customerId}/stats`)).body,
    };
    expect(before.order).toMatchObject({ outcome: { status: 'Completed' } });
    expect(before.stats).toMatchObject({ completedOrders: 1, totalSpentCents: 1000 });

    const original = await management('GET', `instances/${instanceId}?showInput=true`);
    const input = original.body.input as { order: { shippingAddress: Record<string, unknown> } };
    const altered = {
      ...input,
      order: { ...input.order, shippingAddress: { ...input.order.shippingAddress, country: 'AQ' } },
    };
    const attacks: { name: string; run: () => Promise<Answer>; instanceId: string; reason: RegExp }[] = [
      {
        name: 'restart it with its own input',
        run: () => management('POST', `instances/${instanceId}/restart?restartWithNewInstanceId=false`),
        instanceId,
        reason: /already ended \(Completed\)/,
      },
      {
        name: 'start over it with an address the carrier refuses',
        run: () => management('POST', `orchestrators/processOrder/${instanceId}`, altered),
        instanceId,
        reason: /differs from the stored order/,
      },
      {
        name: 'run its order under another instance id',
        run: () => management('POST', `orchestrators/processOrder/evil-${id}`, input),
        instanceId: `evil-${id}`,
        reason: /belongs to workflow order-/,
      },
    ];
    for (const attack of attacks) {
      const answer = await attack.run();
      expect({ attack: attack.name, status: answer.status }).toEqual({ attack: attack.name, status: 202 });
      const run = await invalidRun(attack.instanceId, attack.reason);
      expect(run.output).toMatchObject({ status: 'Invalid', compensated: [] });
      // Nothing but validation ran (the status API lists an activity by its completion).
      const history = await management('GET', `instances/${attack.instanceId}?showHistory=true`);
      const scheduled = (
        (history.body.historyEvents ?? []) as { EventType?: string; FunctionName?: string }[]
      )
        .filter((e) => e.EventType === 'TaskCompleted' || e.EventType === 'TaskFailed')
        .map((e) => e.FunctionName);
      expect({ attack: attack.name, scheduled }).toEqual({
        attack: attack.name,
        scheduled: ['ValidateOrder'],
      });
    }

    const repos = app.cosmos.repositories();
    expect(await repos.gateway.find(`refund:${id}`)).toBeUndefined();
    expect((await repos.shipments.get(id))?.status).toBe('Created');
    expect((await repos.products.get(productId))?.reservations).toEqual({ [id]: 2 });
    const { orchestration: _then, ...orderBefore } = before.order;
    const { orchestration: _now, ...orderAfter } = (await client('GET', `/api/orders/${id}`)).body;
    expect(orderAfter).toEqual(orderBefore);
    expect((await client('GET', `/api/customers/${customerId}/stats`)).body).toEqual(before.stats);
  });

  it('keeps forged entity operations from changing the statistics', async () => {
    const productId = await newProduct(5);
    const customerId = `cust-${productId}`;
    const started = await client('POST', '/api/orders', {
      body: order(`s-${productId}`, productId, customerId),
    });
    await settledThroughApp(String(started.body.statusQueryGetUri));
    const before = (await client('GET', `/api/customers/${customerId}/stats`)).body;
    expect(before).toMatchObject({ completedOrders: 1 });
    const at = new Date().toISOString();
    const entity = `entities/customerStats/${customerId}`;
    for (const [op, body] of [
      ['orderFinished', { orderId: `forged-${productId}`, at }],
      ['orderFinished', { orderId: `s-${productId}`, outcome: 'Completed', totalCents: 1e9, at }],
      ['orderStarted', { orderId: `forged-2-${productId}`, at }],
      ['reset', {}],
    ] as const) {
      expect((await management('POST', `${entity}?op=${op}`, body)).status).toBe(202);
    }
    expect((await management('DELETE', entity)).status).toBe(202);
    // An entity runs its operations in order: once the last one shows in its state, all have run.
    const marker = `marker-${productId}`;
    await management('POST', `${entity}?op=orderStarted`, { orderId: marker, at });
    let state = '';
    for (let i = 0; i < 500 && !state.includes(marker); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = (await management('GET', entity)).text;
    }
    expect(state).toContain(`forged-2-${productId}`);
    expect((await client('GET', `/api/customers/${customerId}/stats`)).body).toEqual(before);
  });

  it('refuses ids that are not ids on every route with 400 naming the parameter, at once', async () => {
    const bad = ['a?b', 'a#b', 'a\u0000b', 'a b', 'a\\b', 'a/b', ' lead', 'a%b', 'x'.repeat(10_000)];
    const routes: {
      method: string;
      route: (id: string) => string;
      param: string;
      admin?: boolean;
      body?: unknown;
    }[] = [
      { method: 'GET', route: (id) => `/api/status/${id}`, param: 'instanceId' },
      { method: 'GET', route: (id) => `/api/status/${id}/history`, param: 'instanceId', admin: true },
      { method: 'GET', route: (id) => `/api/instances/${id}/links`, param: 'instanceId', admin: true },
      {
        method: 'POST',
        route: (id) => `/api/instances/${id}/events/Ping`,
        param: 'instanceId',
        admin: true,
        body: {},
      },
      {
        method: 'POST',
        route: (id) => `/api/instances/order-x/events/${id}`,
        param: 'eventName',
        admin: true,
        body: {},
      },
      {
        method: 'POST',
        route: (id) => `/api/approvals/${id}/response`,
        param: 'instanceId',
        body: { decision: 'Approved' },
      },
      { method: 'GET', route: (id) => `/api/orders/${id}`, param: 'orderId' },
      { method: 'GET', route: (id) => `/api/batches/${id}`, param: 'batchId' },
      { method: 'GET', route: (id) => `/api/approvals/${id}`, param: 'requestId' },
      { method: 'GET', route: (id) => `/api/customers/${id}/stats`, param: 'customerId' },
    ];
    for (const r of routes) {
      for (const id of bad) {
        const what = `${r.method} ${r.route(JSON.stringify(id).slice(0, 20))}`;
        const began = performance.now();
        const answer = await client(r.method, r.route(encodeURIComponent(id)), {
          ...(r.admin ? { key: app.masterKey } : {}),
          ...(r.body !== undefined ? { body: r.body } : {}),
        });
        const elapsed = performance.now() - began;
        const error = (answer.body as { error?: { code?: string; issues?: { path: string }[] } }).error;
        expect({ what, status: answer.status, code: error?.code, path: error?.issues?.[0]?.path }).toEqual({
          what,
          status: 400,
          code: 'ValidationFailed',
          path: r.param,
        });
        expect({ what, fast: elapsed < 1_000 }).toEqual({ what, fast: true });
        expect(answer.text.length).toBeLessThan(1_000);
      }
    }
  });

  it('logged short lines only, with no key, no 10,000-character id and no TypeError', () => {
    const lines = app.logger.records.map((r) => `${r.level} ${r.message} ${JSON.stringify(r.fields)}`);
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.filter((line) => line.length > 2_000)).toEqual([]);
    expect(lines.filter((line) => /TypeError|Cannot read properties/.test(line))).toEqual([]);
    const all = lines.join('\n');
    for (const secret of [systemKey, app.masterKey, functionKey, 'x'.repeat(200)]) {
      expect(all).not.toContain(secret);
    }
  });
});
