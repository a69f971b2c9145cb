/**
 * The examples of docs/testing.md, run as they are printed there (the last test holds the guide to
 * that), through the public `devhost/testing` entry point.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkGoldenHistories,
  checkInFlight,
  injectActivityFaults,
  loadReplayer,
  readGoldenHistory,
  startTestHost,
  storeInstances,
} from 'devhost/testing';

// Shared by the examples: the built app, an order and an approval request.
const appDir = path.resolve(__dirname, '../../..');
const order = {
  id: 'guide-1',
  customerId: 'cust-guide',
  items: [{ productId: 'widget-1', quantity: 2, unitPrice: 19.99 }],
  currency: 'USD',
  shippingAddress: {
    name: 'Ada',
    line1: '1 Main St',
    city: 'Springfield',
    postalCode: '12345',
    country: 'US',
  },
};
const request = {
  requestId: 'guide-1',
  requestedBy: 'ada@example.com',
  approver: 'boss@example.com',
  subject: 'Laptop',
};
// The app's ReconcileOrders timer sweeps the Cosmos database of local.settings.json: test hosts
// turn it off, as Azure turns off a function, with AzureWebJobs.<name>.Disabled.
const appSettings = { 'AzureWebJobs.ReconcileOrders.Disabled': 'true' };

describe('the examples of docs/testing.md', () => {
  it('releases the reservation when the card is declined', async () => {
    const host = await startTestHost({ appDir, clock: 'virtual', appSettings });
    try {
      host.overrideActivity('ValidateOrder', () => ({ valid: true, totalCents: 3998 }));
      host.overrideActivity('ReserveInventory', () => ({ status: 'Reserved' }));
      host.overrideActivity('ProcessPayment', () => ({ status: 'Declined', declineCode: 'card_declined' }));
      host.overrideActivity('ReleaseInventory', () => ({
        orderId: 'guide-1',
        releasedProductIds: ['widget-1'],
      }));
      host.overrideActivity('RecordOrderOutcome', (input: { outcome: unknown }) => input.outcome);
      const id = await host.start('processOrder', {
        instanceId: 'order-guide-1',
        input: { order, paymentTokenRef: '8d5e7a52-5c1f-4b7e-9d3a-2f0c6b1e4a90' },
      });
      const status = await host.waitForStatus(id, 'Completed');
      expect(status.output).toMatchObject({ status: 'PaymentFailed', compensated: ['ReleaseInventory'] });
    } finally {
      await host.stop();
    }
  });

  it('times an approval out after 24 hours of virtual time', async () => {
    const host = await startTestHost({ appDir, clock: 'virtual', appSettings });
    try {
      host.overrideActivity('SendApprovalRequest', () => ({ messageId: 'm1', sentTo: 'boss@example.com' }));
      host.overrideActivity('NotifyTimeout', () => ({ timedOut: true, messageId: 'm2' }));
      const id = await host.start('approvalWorkflow', {
        instanceId: 'approval-guide-1',
        input: { request, timeoutSeconds: 86_400 },
      });
      await host.waitForStatus(id, 'Running');
      await host.clock.advance('24h'); // fires the deadline timer; no real time passes
      const status = await host.waitForStatus(id, 'Completed');
      expect(status.output).toMatchObject({ status: 'Timeout', decidedAt: '2030-01-02T00:00:00.000Z' });
    } finally {
      await host.stop();
    }
  });

  it('replays every golden history against this build', async () => {
    const verdicts = await checkGoldenHistories({
      appDir,
      dir: path.join(appDir, 'test/fixtures/histories'),
    });
    expect(verdicts.filter((v) => !v.ok).map((v) => v.message)).toEqual([]);
  });

  it('finds nothing this build would break among the instances in flight', async () => {
    const host = await startTestHost({ appDir, clock: 'virtual', appSettings });
    const replayer = await loadReplayer({ appDir });
    try {
      host.overrideActivity('SendApprovalRequest', () => ({ messageId: 'm1', sentTo: 'boss@example.com' }));
      await host.start('approvalWorkflow', {
        instanceId: 'approval-guide-2',
        input: { request, timeoutSeconds: 60 },
      });
      await host.runUntilIdle();
      const report = await checkInFlight(replayer, storeInstances(host.engine.store));
      expect(report).toEqual({ checked: ['approval-guide-2'], breaking: [] });
    } finally {
      await replayer.close();
      await host.stop();
    }
  });

  it('undoes what each failed step may have done, newest first', async () => {
    const runs = await injectActivityFaults({
      appDir,
      history: readGoldenHistory(path.join(appDir, 'test/fixtures/histories/processOrder/completed.json')),
      faults: ['failure'],
    });
    expect(runs.map((run) => [run.activity, run.compensations])).toEqual([
      ['ValidateOrder', []],
      ['ReserveInventory', ['ReleaseInventory']],
      ['ProcessPayment', ['RefundPayment', 'ReleaseInventory']],
      ['CreateShipment', ['CancelShipment', 'RefundPayment', 'ReleaseInventory']],
      ['SendConfirmation', ['CancelShipment', 'RefundPayment', 'ReleaseInventory']],
      ['RecordOrderOutcome', []],
    ]);
  });

  it('are printed in docs/testing.md exactly as they run here', () => {
    const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
    const guide = fs.readFileSync(path.join(appDir, 'docs/testing.md'), 'utf8');
    const examples = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => squash(m[1] ?? ''));
    expect(examples.length).toBeGreaterThanOrEqual(6);
    const here = squash(fs.readFileSync(__filename, 'utf8'));
    expect(examples.filter((example) => !here.includes(example))).toEqual([]);
  });
});
