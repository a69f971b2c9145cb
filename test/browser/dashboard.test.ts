import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { type AppDevhost, startAppDevhost } from '../support/appDevhost';
import { orderRequest } from '../support/orders';
import { ensureDashboardBuilt, launchBrowser, screenshotsDir, type Browser } from './browser';

const XSS = '<script>alert(1)</script>';
/** Instance ids cannot hold '/', so the id carries markup that needs none. */
const XSS_ID = 'xss-"><img src=x onerror=alert(1)><script>alert(1)<';

const order = (id: string, token: string) =>
  orderRequest(id, {
    customerId: 'cust-dash',
    items: [{ productId: 'widget-1', quantity: 1, unitPrice: 19.99 }],
    paymentMethodToken: token,
  });
const approval = (requestId: string) => ({
  requestId,
  requestedBy: 'ada@example.com',
  approver: 'boss@example.com',
  subject: 'New laptop',
});

/** The app in devhost, a browser, and helpers that read outcomes through the API. */
function dashboardSession(enforceKeys: boolean) {
  const session = {} as { app: AppDevhost; browser: Browser; page: Page };
  beforeAll(async () => {
    ensureDashboardBuilt();
    session.app = await startAppDevhost('dashboard-browser-', { enforceKeys });
    session.browser = await launchBrowser();
    session.page = session.browser.page;
  }, 120_000);
  afterAll(async () => {
    await session.browser?.close();
    await session.app?.stop();
  });
  // Status bodies are read field by field in the checks.
  type Status = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const status = async (id: string): Promise<Status> =>
    (await session.app.http('GET', `/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}`)).body;
  const until = async (id: string, check: (body: Status) => boolean, what: string) => {
    for (let i = 0; i < 600; i++) {
      const body = await status(id);
      if (body && check(body)) return body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${id} never became ${what}: ${JSON.stringify(await status(id))}`);
  };
  const confirm = async (): Promise<void> => {
    await session.page.getByTestId('confirm').click();
    await session.page.locator('.modal').waitFor({ state: 'detached' });
  };
  return { session, status, until, confirm };
}

/**
 * The dashboard on the real app (Cosmos in-process), driven in headless Chromium as a user would;
 * every outcome is then checked through the API. Without --enforce-keys, so timers can be fired.
 */
describe('the devhost dashboard in a browser', () => {
  const { session, status, until, confirm } = dashboardSession(false);
  let app: AppDevhost;
  let page: Page;
  beforeAll(() => {
    ({ app, page } = session);
  });
  /** Only for `npm run screenshots`: what the README shows. */
  const shot = async (name: string, of: Page | Locator = page): Promise<void> => {
    if (screenshotsDir) await of.screenshot({ path: path.join(screenshotsDir, name) });
  };

  it('filters, shows a compensation, a batch reaching 100 %, the inbox, and acts on instances', async () => {
    for (const [id, token] of [
      ['dash-ok', 'tok_visa'],
      ['dash-declined', 'tok_chargeDeclined'],
    ] as const) {
      expect((await app.http('POST', '/api/orders', { body: order(id, token) })).status).toBe(202);
    }
    const items = Array.from({ length: 300 }, (_, i) => ({
      itemId: `item-${i}`,
      productId: 'gizmo-1',
      quantity: 1,
    }));
    expect((await app.http('POST', '/api/batches', { body: { batchId: 'dash-batch', items } })).status).toBe(
      202,
    );
    for (const id of ['dash-approve', 'dash-timeout', 'dash-terminate']) {
      expect((await app.http('POST', '/api/approvals', { body: approval(id) })).status).toBe(202);
    }
    await until('order-dash-ok', (s) => s.runtimeStatus === 'Completed', 'Completed');
    await until('order-dash-declined', (s) => s.runtimeStatus === 'Completed', 'Completed');
    for (const id of ['approval-dash-approve', 'approval-dash-timeout', 'approval-dash-terminate']) {
      await until(id, (s) => s.customStatus?.step === 'AwaitingApproval', 'awaiting approval');
    }

    await page.goto(`${app.host.url}/_devhost/`);
    await page.locator('.instance').first().waitFor();
    await page.locator('[data-status="Completed"] .count-value', { hasText: /^[1-9]/ }).waitFor();
    await shot('dashboard-list.png');

    // Filter by orchestrator: only orders remain.
    await page.locator('select[name="name"]').selectOption('processOrder');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.instance')).every((row) =>
        row.textContent?.includes('processOrder'),
      ),
    );
    const ids = await page
      .locator('.instance')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance-id')));
    expect(ids.sort()).toEqual(['order-dash-declined', 'order-dash-ok']);

    // The declined order's timeline shows its compensation.
    await page.getByRole('link', { name: 'order-dash-declined' }).click();
    const timeline = page.getByTestId('timeline');
    await timeline
      .locator('.tl-row[data-kind="activity"]', { hasText: 'ReleaseInventory' })
      .first()
      .waitFor();
    expect(
      await timeline.locator('.tl-row[data-kind="activity"]', { hasText: 'ProcessPayment' }).count(),
    ).toBeGreaterThan(0);
    await shot('dashboard-order-timeline.png', timeline);

    // The batch's progress bar reaches 100 % while the page refreshes itself.
    await page.goto(`${app.host.url}/_devhost/#/instance/batch-dash-batch`);
    await page.locator('[data-testid="progress"][aria-valuenow="100"]').waitFor({ timeout: 120_000 });
    await page.locator('.badge.status-Completed').first().waitFor();
    await shot('dashboard-batch-progress.png');

    // The inbox lists the three approvals; approve one from there, fire another's timeout timer.
    await page.goto(`${app.host.url}/_devhost/#/inbox`);
    const approveRow = page.locator('tr.waiting[data-instance-id="approval-dash-approve"]');
    await approveRow.waitFor();
    await page.locator('tr.waiting[data-instance-id="approval-dash-timeout"] .timer').waitFor();
    await shot('dashboard-inbox.png');
    await approveRow.locator('[data-action="open-send"]').click();
    await approveRow.locator('textarea').fill('{ "decision": "Approved"');
    expect(await approveRow.getByTestId('json-state').textContent()).not.toBe('Valid JSON');
    expect(await approveRow.locator('[data-action="send-event"]').isDisabled()).toBe(true);
    await approveRow
      .locator('textarea')
      .fill(JSON.stringify({ decision: 'Approved', decidedAt: new Date().toISOString(), comment: XSS }));
    await approveRow.locator('[data-action="send-event"]').click();
    await confirm();
    const timeoutRow = page.locator('tr.waiting[data-instance-id="approval-dash-timeout"]');
    await timeoutRow.locator('[data-action="fire-timer"]').click();
    await expect(page.locator('.confirm-message').textContent()).resolves.toContain('fired early');
    await confirm();
    // The event reaches the instance; the app, which acts only on a decision SubmitApproval recorded
    // in Cosmos (docs/app.md, "Trust boundary"), records it in history and keeps waiting.
    for (let i = 0; ; i++) {
      const { body } = await session.app.http(
        'GET',
        '/runtime/webhooks/durabletask/instances/approval-dash-approve?showHistory=true&showHistoryOutput=true',
      );
      const history = JSON.stringify((body as { historyEvents?: unknown }).historyEvents ?? []);
      if (history.includes('EventRaised') && history.includes('ApprovalResponse')) break;
      if (i > 600)
        throw new Error(`the event sent from the inbox never reached approval-dash-approve: ${history}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until('approval-dash-timeout', (s) => s.runtimeStatus === 'Completed', 'Completed');

    // The timed-out approval's timeline shows the timer fired early.
    await page.goto(`${app.host.url}/_devhost/#/instance/approval-dash-timeout`);
    await page.locator('.tl-row[data-kind="timer"][data-state="firedEarly"]').waitFor();

    // Terminate one from its page; actions it no longer allows are disabled with the reason.
    await page.goto(`${app.host.url}/_devhost/#/instance/approval-dash-terminate`);
    await page.locator('[data-action="rewind"]').waitFor();
    expect(await page.locator('[data-action="rewind"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-why="rewind"]').textContent()).toContain('only supported on failed');
    await page.locator('[data-action="terminate"]').click();
    await confirm();
    await page.locator('.badge.status-Terminated').first().waitFor();
    expect(await page.locator('[data-action="terminate"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-why="terminate"]').textContent()).toContain('410');

    // Purge one from its page.
    await page.goto(`${app.host.url}/_devhost/#/instance/order-dash-ok`);
    await page.locator('[data-action="purge"]').click();
    await expect(page.locator('.confirm-message').textContent()).resolves.toContain('order-dash-ok');
    await confirm();
    await page.getByTestId('missing').waitFor();

    // Every outcome, through the API.
    expect((await app.http('GET', '/runtime/webhooks/durabletask/instances/order-dash-ok')).status).toBe(404);
    expect(await status('order-dash-declined')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { status: 'PaymentFailed', compensated: ['ReleaseInventory'] },
    });
    expect(await status('batch-dash-batch')).toMatchObject({
      runtimeStatus: 'Completed',
      customStatus: { processed: 300, total: 300 },
      output: { total: 300 },
    });
    expect(await status('approval-dash-approve')).toMatchObject({
      runtimeStatus: 'Running',
      customStatus: { step: 'AwaitingApproval' },
    });
    expect(await status('approval-dash-timeout')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { status: 'Timeout' },
    });
    expect(await status('approval-dash-terminate')).toMatchObject({ runtimeStatus: 'Terminated' });
    expect(session.browser.problems).toEqual([]);
  }, 300_000);
});

/** With --enforce-keys: the key is asked once, nothing can be fired early, and markup stays text. */
describe('the devhost dashboard with --enforce-keys', () => {
  const { session, until } = dashboardSession(true);

  it('asks for the master key once and keeps it out of the URL; offers no timer firing', async () => {
    const { app, page } = session;
    expect((await app.http('POST', '/api/approvals', { body: approval('dash-keys') })).status).toBe(202);
    await until(
      'approval-dash-keys',
      (s) => s.customStatus?.step === 'AwaitingApproval',
      'awaiting approval',
    );
    await page.goto(`${app.host.url}/_devhost/`);
    await page.getByLabel('Master key').fill(app.masterKey);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.locator('.instance').first().waitFor();
    await page.goto(`${app.host.url}/_devhost/#/inbox`);
    await page.locator('tr.waiting[data-instance-id="approval-dash-keys"] .timer').waitFor();
    expect(await page.locator('[data-action="fire-timer"]').count()).toBe(0);
    expect(await page.locator('.note').textContent()).toContain('cannot be fired early');
    expect(page.url()).not.toContain(app.masterKey);
    expect(await page.evaluate(() => Object.values(sessionStorage) as string[])).toEqual([app.masterKey]);
  }, 60_000);

  it('renders an instance id and an event payload holding markup as text', async () => {
    const { app, page } = session;
    // An orchestration started with input it refuses: it fails at once, and its id is on every page.
    const started = await app.http(
      'POST',
      `/runtime/webhooks/durabletask/orchestrators/processOrder/${encodeURIComponent(XSS_ID)}`,
      { body: { note: XSS } },
    );
    expect(started.status).toBe(202);
    await until(XSS_ID, (s) => s.runtimeStatus === 'Failed', 'Failed');
    expect((await app.http('POST', '/api/approvals', { body: approval('dash-xss') })).status).toBe(202);
    await until('approval-dash-xss', (s) => s.customStatus?.step === 'AwaitingApproval', 'awaiting approval');
    const raised = await app.http(
      'POST',
      `/runtime/webhooks/durabletask/instances/approval-dash-xss/raiseEvent/${encodeURIComponent(XSS)}`,
      { body: { note: XSS } },
    );
    expect(raised.status).toBe(202);

    await page.goto(`${app.host.url}/_devhost/#/`);
    await page.locator(`.instance[data-instance-id="${XSS_ID.replace(/"/g, '\\"')}"]`).waitFor();
    await page.goto(`${app.host.url}/_devhost/#/instance/${encodeURIComponent(XSS_ID)}`);
    await page.locator('.failure').waitFor();
    expect(await page.getByTestId('instance-id').textContent()).toBe(XSS_ID);
    expect(await page.locator('.panels').textContent()).toContain(XSS);
    await page.goto(`${app.host.url}/_devhost/#/instance/approval-dash-xss`);
    const event = page.locator('.tl-row[data-kind="eventRaised"]').first();
    await event.waitFor();
    expect(await event.textContent()).toContain(XSS);
    // Nothing was parsed as markup: one script element (the bundle), no injected image, no alert.
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(1);
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(session.browser.problems).toEqual([]);
  }, 60_000);
});
