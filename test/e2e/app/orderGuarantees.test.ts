import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { type LogRecord } from '../../../devhost/src/log/logger';
import { connectOutbox, listOutbox, outboxTarget } from '../../../devhost/src/emulators/outbox/outboxWatcher';
import { nativeProcess, nativeRequire } from '../../../devhost/src/worker/nativeModules';
import { type EtagRetryPolicy } from '../../../src/data/etagRetry';
import { type Repositories } from '../../../src/data/repositories';
import { cardFingerprint, declineCodeFor } from '../../../src/payments/paymentGateway';
import { type TestCosmos } from '../../unit/src/support/cosmosServer';
import { type AppDevhost, appDir, startAppDevhost } from '../../support/appDevhost';
import { orderRequest } from '../../support/orders';

/** The app's data layer as devhost loaded it (Node's own loader, from dist), not jest's copy. */
interface NativeDataLayer {
  repositoriesFor(
    containers: TestCosmos['containers'],
    options: { etagPolicy?: EtagRetryPolicy; gatewayLatencyMs?: number },
  ): Repositories;
  useRepositories(repositories: Repositories | undefined): void;
  DEFAULT_ETAG_POLICY: EtagRetryPolicy;
}

/**
 * The guarantees a user relies on, checked over HTTP against devhost with the compiled app and
 * its real activities: stock under concurrent orders, secrets kept out of everything readable,
 * and bad input refused with nothing started or written.
 */
describe('the order workflows app keeps its guarantees over HTTP', () => {
  let app: AppDevhost;
  let cosmos: AppDevhost['cosmos'];
  let host: AppDevhost['host'];
  let key: string;
  let logger: AppDevhost['logger'];
  let native: NativeDataLayer;
  let durable: AppDevhost['durable'];
  const observed = { etagConflicts: 0, reservingNow: 0, maxReserving: 0, gateOpened: false };

  beforeAll(async () => {
    app = await startAppDevhost('app-guarantees-');
    ({ cosmos, host, logger, durable, masterKey: key } = app);

    // After devhost loaded the app (loading purges the app's modules from Node's cache): the
    // app's own repositories, with the ETag policy's conflict hook counting retries and the
    // reservation call counting how many ReserveInventory activities run at once.
    const load = nativeRequire(path.join(appDir, 'dist/src/data/index.js'));
    native = {
      ...(load('./repositories') as Pick<NativeDataLayer, 'repositoriesFor' | 'useRepositories'>),
      ...(load('./etagRetry') as Pick<NativeDataLayer, 'DEFAULT_ETAG_POLICY'>),
    };
    const repos = native.repositoriesFor(cosmos.containers, {
      etagPolicy: { ...native.DEFAULT_ETAG_POLICY, onConflict: () => (observed.etagConflicts += 1) },
      gatewayLatencyMs: 0,
    });
    const reserve = repos.products.reserve.bind(repos.products);
    // The first reservations hold until eight run at once (or two seconds pass): a slow store,
    // so that whether the engine grants eight activity slots does not depend on timing.
    let gate: Promise<void> | undefined;
    let openGate = () => {};
    repos.products.reserve = async (...args) => {
      observed.reservingNow += 1;
      observed.maxReserving = Math.max(observed.maxReserving, observed.reservingNow);
      try {
        if (!observed.gateOpened) {
          gate ??= new Promise<void>((resolve) => {
            openGate = () => {
              observed.gateOpened = true;
              clearTimeout(timer);
              resolve();
            };
            const timer = setTimeout(() => openGate(), 2_000);
          });
          if (observed.reservingNow >= 8) openGate();
          await gate;
        }
        return await reserve(...args);
      } finally {
        observed.reservingNow -= 1;
      }
    };
    native.useRepositories(repos);
  });

  afterAll(async () => {
    native?.useRepositories(undefined);
    await app?.stop();
  });

  const http: AppDevhost['http'] = (...args) => app.http(...args);
  const settled = (statusUrl: string) => app.settled(statusUrl);

  const order = (id: string, productId: string, token = 'tok_visa', quantity = 1) =>
    orderRequest(id, {
      customerId: 'cust-guarantees',
      items: [{ productId, quantity, unitPrice: 5 }],
      paymentMethodToken: token,
    });

  async function newProduct(stock: number): Promise<string> {
    const id = `p-${randomUUID().slice(0, 8)}`;
    await cosmos
      .repositories()
      .products.createIfMissing({ id, name: 'Limited', unitPrice: 5, currency: 'USD', stock });
    return id;
  }

  /** One separate Node process posting its orders all at once, as an independent client would. */
  function postFromChildProcess(ids: string[], productId: string): Promise<number[]> {
    const script = `
      const { URL: base, KEY: key, IDS: ids, BODY: body } = process.env;
      Promise.all(JSON.parse(ids).map((id) =>
        fetch(base + '/api/orders', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-functions-key': key },
          body: JSON.stringify({ ...JSON.parse(body), id }),
        }).then((r) => r.status),
      )).then((statuses) => process.stdout.write(JSON.stringify(statuses)), (err) => {
        process.stderr.write(String(err));
        process.exit(1);
      });`;
    const child = spawn(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        URL: host.url,
        KEY: key,
        IDS: JSON.stringify(ids),
        BODY: JSON.stringify(order('template', productId)),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(JSON.parse(out) as number[]);
        else reject(new Error(`client process exited with ${code}: ${err}`));
      });
    });
  }

  it('sells exactly the stock to 50 concurrent orders from two processes, retrying ETag conflicts', async () => {
    const productId = await newProduct(10);
    const ids = Array.from({ length: 50 }, (_, i) => `conc-${productId}-${i}`);
    const statuses = await Promise.all([
      postFromChildProcess(ids.slice(0, 25), productId),
      postFromChildProcess(ids.slice(25), productId),
    ]);
    expect(statuses.flat()).toEqual(Array.from({ length: 50 }, () => 202));

    const outcomes = await Promise.all(ids.map((id) => settled(`/api/status/order-${id}`)));
    const count = (status: string) =>
      outcomes.filter((o) => (o.output as { status?: string } | undefined)?.status === status).length;
    expect(outcomes.every((o) => o.runtimeStatus === 'Completed')).toBe(true);
    expect(count('Completed')).toBe(10);
    expect(count('OutOfStock')).toBe(40);

    const product = await cosmos.repositories().products.get(productId);
    const reserved = Object.values(product?.reservations ?? {});
    const available = (product?.stock ?? 0) - reserved.reduce((a, b) => a + b, 0);
    expect(product?.stock).toBe(10);
    expect(reserved).toHaveLength(10);
    expect(reserved.every((q) => q === 1)).toBe(true);
    expect(reserved.length + available).toBe(10);
    expect(available).toBeGreaterThanOrEqual(0);
    const completed = ids.filter(
      (_, i) => (outcomes[i]?.output as { status?: string } | undefined)?.status === 'Completed',
    );
    expect(Object.keys(product?.reservations ?? {}).sort()).toEqual(completed.sort());

    expect(observed.etagConflicts).toBeGreaterThan(0);
    // host.json allows 10 activities at once: the engine uses that room and never exceeds it.
    expect(observed.maxReserving).toBeGreaterThanOrEqual(8);
    expect(observed.maxReserving).toBeLessThanOrEqual(10);
    // 50 workflows of four to six activities each (every order records its outcome) on real I/O:
    // about 20 s alone, more beside the other suites.
  }, 60_000);

  /** The payment tokens stored for an order, one per request that may still start it. */
  async function storedTokens(orderId: string): Promise<string[]> {
    const { resources } = await cosmos.containers.paymentTokens.items
      .query<{ token: string }>({
        query: 'SELECT c.token FROM c WHERE c.orderId = @o',
        parameters: [{ name: '@o', value: orderId }],
      })
      .fetchAll();
    return resources.map((r) => r.token);
  }

  it('answers one of 30 concurrent posts of one order 202, the rest 409, and charges the card of the 202', async () => {
    const productId = await newProduct(10);
    const id = `dup-${productId}`;
    // Six cards the gateway accepts, the rest it declines: which card was charged shows either way.
    const approved = ['tok_visa', 'tok_visa_debit', 'tok_mastercard', 'tok_amex', 'tok_discover', 'tok_jcb'];
    const cards = Array.from({ length: 30 }, (_, i) => approved[i] ?? `tok_card${i}`);
    const answers = await Promise.all(
      cards.map((card) => http('POST', '/api/orders', { body: order(id, productId, card) })),
    );
    const statuses = answers.map((a) => a.status);
    expect([...statuses].sort()).toEqual([202, ...Array.from({ length: 29 }, () => 409)]);
    const winner = cards[statuses.indexOf(202)]!;

    const done = await settled(`/api/status/order-${id}`);
    expect(done).toMatchObject({
      output: { status: declineCodeFor(winner) ? 'PaymentFailed' : 'Completed' },
    });
    const charges = (await cosmos.repositories().gateway.entries()).filter(
      (e) => e.kind === 'charge' && e.idempotencyKey === `charge:${id}`,
    );
    expect(charges).toHaveLength(1);
    expect(charges[0]?.cardFingerprint).toBe(cardFingerprint(winner));
    // Every request told 409 took its token back.
    expect(await storedTokens(id)).toEqual([winner]);
  });

  it('keeps payment and approval tokens out of every status, history, custom status and log line', async () => {
    const productId = await newProduct(5);
    const okId = `sec-ok-${productId}`;
    const declinedId = `sec-declined-${productId}`;
    const startedOk = await http('POST', '/api/orders', { body: order(okId, productId, 'tok_visa') });
    const startedDeclined = await http('POST', '/api/orders', {
      body: order(declinedId, productId, 'tok_chargeDeclined'),
    });
    expect([startedOk.status, startedDeclined.status]).toEqual([202, 202]);
    expect(await settled(String(startedOk.body.statusQueryGetUri))).toMatchObject({
      output: { status: 'Completed' },
    });
    expect(await settled(String(startedDeclined.body.statusQueryGetUri))).toMatchObject({
      output: { status: 'PaymentFailed' },
    });

    const requestId = `sec-r-${productId}`;
    const startedApproval = await http('POST', '/api/approvals', {
      body: { requestId, requestedBy: 'ada@example.com', approver: 'boss@example.com', subject: 'Laptop' },
    });
    expect(startedApproval.status).toBe(202);
    const link = await approvalLink(requestId);
    const approvalToken = new URL(link).searchParams.get('token');
    expect(approvalToken).toBeTruthy();
    expect((await http('POST', link, { body: { decision: 'Approved' }, key: null })).status).toBe(200);
    expect(await settled(String(startedApproval.body.statusQueryGetUri))).toMatchObject({
      output: { status: 'Approved' },
    });

    const readable: string[] = [];
    const started = [
      { id: `order-${okId}`, uri: startedOk.body.statusQueryGetUri, orderId: okId },
      { id: `order-${declinedId}`, uri: startedDeclined.body.statusQueryGetUri, orderId: declinedId },
      { id: `approval-${requestId}`, uri: startedApproval.body.statusQueryGetUri },
    ];
    for (const { id, uri, orderId } of started) {
      // Operators read the Durable API through the admin-level links route.
      const links = await http('GET', `/api/instances/${id}/links`);
      expect(links.status).toBe(200);
      const webhook = new URL(String(links.body.statusQueryGetUri));
      for (const [name, value] of Object.entries({
        showHistory: 'true',
        showHistoryOutput: 'true',
        showInput: 'true',
      })) {
        webhook.searchParams.set(name, value);
      }
      const answers = [
        await http('GET', String(uri)),
        await http('GET', `/api/status/${id}/history`),
        await http('GET', webhook.toString()),
        ...(orderId ? [await http('GET', `/api/orders/${orderId}`)] : []),
      ];
      for (const answer of answers) expect(answer.status).toBe(200);
      const full = answers[2]!.body;
      expect(Array.isArray(full.historyEvents)).toBe(true);
      expect(full.customStatus).toBeDefined();
      readable.push(...answers.map((a) => a.text));
      // The task hub itself: every event as stored, inputs and results included.
      const stored = await durable.engine!.store.readHistory(id);
      expect(stored?.events.length).toBeGreaterThan(0);
      readable.push(JSON.stringify(stored));
    }
    const logs = logger.records.map((r: LogRecord) => `${r.message} ${JSON.stringify(r.fields)}`);
    // The capture holds the invocations that handled the secrets, the SDK's own lines included.
    const logged = new Set(logger.records.map((r: LogRecord) => r.fields.function));
    for (const name of ['StartOrder', 'ProcessPayment', 'SendApprovalRequest', 'SubmitApproval']) {
      expect(logged).toContain(name);
    }
    const everything = [...readable, ...logs].join('\n');
    expect(everything).toContain(okId); // the check reads the right things
    // ...and looks for the values that really exist, in their one intended home each.
    expect(await storedTokens(okId)).toEqual(['tok_visa']);
    expect(await storedTokens(declinedId)).toEqual(['tok_chargeDeclined']);
    for (const secret of ['tok_visa', 'tok_chargeDeclined', approvalToken!]) {
      expect(everything).not.toContain(secret);
    }
  });

  async function approvalLink(requestId: string): Promise<string> {
    // The outbox is the approver's mailbox and the token's only plain-text home.
    const outbox = connectOutbox(outboxTarget(nativeProcess().env));
    try {
      for (let i = 0; i < 500; i++) {
        const documents = await listOutbox(outbox.container);
        const link = documents.find((d) => d.id === `ApprovalRequest:${requestId}`)?.link;
        if (typeof link === 'string') return link;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      outbox.dispose();
    }
    throw new Error(`no approval link for ${requestId}`);
  }

  it('refuses bad orders with a 4xx naming the problem (413 past the body cap), and starts and writes nothing', async () => {
    const productId = await newProduct(5);
    const prefix = `bad-${productId}`;
    const valid = (suffix: string) => order(`${prefix}-${suffix}`, productId);
    const missing = valid('missing') as Partial<ReturnType<typeof valid>>;
    delete missing.shippingAddress;
    const tooMany = valid('many');
    tooMany.items = Array.from({ length: 101 }, () => ({ productId, quantity: 1, unitPrice: 5 }));
    const zero = valid('zero');
    zero.items[0]!.quantity = 0;
    const unknown = valid('unknown');
    unknown.items[0]!.productId = `${productId}-none`;
    const oversized = valid('big');
    oversized.shippingAddress.name = 'x'.repeat(100_000);
    const huge = valid('huge');
    huge.shippingAddress.name = 'x'.repeat(2 * 1024 * 1024);
    const cases: { name: string; id: string; raw: string; code: string; path?: string; status?: number }[] = [
      { name: 'malformed JSON', id: `${prefix}-json`, raw: `{"id":"${prefix}-json",`, code: 'InvalidJson' },
      { name: 'empty body', id: `${prefix}-empty`, raw: '', code: 'MissingBody' },
      {
        name: 'missing field',
        id: `${prefix}-missing`,
        raw: JSON.stringify(missing),
        code: 'ValidationFailed',
        path: 'shippingAddress',
      },
      {
        name: 'only an id',
        id: `${prefix}-bare`,
        raw: JSON.stringify({ id: `${prefix}-bare` }),
        code: 'ValidationFailed',
        path: 'items',
      },
      {
        name: 'nested constructor key',
        id: `${prefix}-ctor`,
        raw: JSON.stringify(valid('ctor')).replace('"quantity"', '"constructor":{"prototype":{}},"quantity"'),
        code: 'ValidationFailed',
        path: 'items.0.constructor',
      },
      {
        name: '101 items',
        id: `${prefix}-many`,
        raw: JSON.stringify(tooMany),
        code: 'ValidationFailed',
        path: 'items',
      },
      {
        name: 'quantity 0',
        id: `${prefix}-zero`,
        raw: JSON.stringify(zero),
        code: 'ValidationFailed',
        path: 'items.0.quantity',
      },
      {
        name: 'unknown product',
        id: `${prefix}-unknown`,
        raw: JSON.stringify(unknown),
        code: 'UnknownProduct',
        path: 'items.0.productId',
      },
      {
        name: '__proto__ key',
        id: `${prefix}-proto`,
        raw: JSON.stringify(valid('proto')).replace('{', '{"__proto__":{"isAdmin":true},'),
        code: 'ValidationFailed',
        path: '__proto__',
      },
      {
        name: 'oversized field',
        id: `${prefix}-big`,
        raw: JSON.stringify(oversized),
        code: 'ValidationFailed',
        path: 'shippingAddress.name',
      },
      {
        name: 'body over 2 MiB',
        id: `${prefix}-huge`,
        raw: JSON.stringify(huge),
        code: 'PayloadTooLarge',
        status: 413,
      },
    ];
    for (const c of cases) {
      const answer = await http('POST', '/api/orders', { raw: c.raw });
      expect({ name: c.name, status: answer.status }).toEqual({ name: c.name, status: c.status ?? 400 });
      const error = (answer.body as { error?: { code?: string; issues?: { path: string }[] } }).error;
      expect({ name: c.name, code: error?.code }).toEqual({ name: c.name, code: c.code });
      if (c.path) expect(error?.issues?.map((i) => i.path)).toContain(c.path);
      expect(await cosmos.repositories().orders.get(c.id)).toBeUndefined();
      expect(await storedTokens(c.id)).toEqual([]);
    }
    const listed = await http(
      'GET',
      `/runtime/webhooks/durabletask/instances?instanceIdPrefix=${encodeURIComponent(`order-${prefix}`)}`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([]);
    for (const c of cases) expect((await http('GET', `/api/status/order-${c.id}`)).status).toBe(404);
  });
});
