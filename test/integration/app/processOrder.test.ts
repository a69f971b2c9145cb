import { randomUUID } from 'node:crypto';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { failing, type Fake, fakeActivities } from './appHost';
import { startAppHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

const order = (id: string) => ({
  id,
  customerId: 'cust-1',
  items: [
    { productId: 'widget-1', quantity: 2, unitPrice: 19.99 },
    { productId: 'gadget-1', quantity: 1, unitPrice: 49.5 },
  ],
  currency: 'USD',
  shippingAddress: {
    name: 'Ada',
    line1: '1 Main St',
    city: 'Springfield',
    postalCode: '12345',
    country: 'US',
  },
});

const happy: Record<string, Fake> = {
  ValidateOrder: () => ({ valid: true, totalCents: 8948 }),
  ReserveInventory: () => ({ status: 'Reserved' }),
  ProcessPayment: () => ({ status: 'Succeeded', paymentId: 'ch_1' }),
  CreateShipment: () => ({ status: 'Created', shipmentId: 'shipment:1', trackingNumber: 'TRK1' }),
  SendConfirmation: () => ({ messageId: 'm1' }),
  ReleaseInventory: () => ({ orderId: 'x', releasedProductIds: [] }),
  RefundPayment: () => ({ refunded: true, refundId: 're_1' }),
  CancelShipment: () => ({ cancelled: true }),
  // The order document keeps the first outcome recorded; here, the one the workflow reports.
  RecordOrderOutcome: (input) => (input as { outcome: unknown }).outcome,
};

describe('processOrder saga', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startAppHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  async function run(fakes: Record<string, Fake>, advance = '0s') {
    const recorder = fakeActivities(host, { ...happy, ...fakes });
    const id = uniqueId('order');
    const instanceId = await host.start('processOrder', {
      input: { order: order(id), paymentTokenRef: randomUUID() },
      instanceId: `order-${id}`,
    });
    await host.runUntilIdle();
    if (advance !== '0s') await host.clock.advance(advance);
    const status = await host.waitForStatus(instanceId, ['Completed', 'Failed']);
    return { status, recorder, id };
  }

  it('completes every step in order and compensates nothing', async () => {
    const { status, recorder, id } = await run({});
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({
      status: 'Completed',
      orderId: id,
      paymentId: 'ch_1',
      shipmentId: 'shipment:1',
      trackingNumber: 'TRK1',
      totalCents: 8948,
      compensated: [],
    });
    expect(recorder.names()).toEqual([
      'ValidateOrder',
      'ReserveInventory',
      'ProcessPayment',
      'CreateShipment',
      'SendConfirmation',
      'RecordOrderOutcome',
    ]);
    expect(recorder.calls.at(-1)?.input).toMatchObject({ orderId: id, instanceId: `order-${id}` });
    expect(status.customStatus).toEqual({ step: 'Done', orderId: id, outcome: 'Completed' });
  });

  it('keeps the payment token out of every activity input', async () => {
    const { recorder } = await run({});
    expect(JSON.stringify(recorder.calls)).not.toContain('tok_');
    expect(recorder.calls.find((c) => c.name === 'ProcessPayment')?.input).toEqual({
      orderId: expect.any(String),
      paymentTokenRef: expect.stringMatching(/^[0-9a-f-]{36}$/),
      amountCents: 8948,
      currency: 'USD',
    });
  });

  it('returns Invalid without compensating when validation fails, and records it', async () => {
    const { status, recorder } = await run({
      ValidateOrder: () => ({
        valid: false,
        owned: true,
        issues: [{ path: 'items.0.productId', message: 'Unknown product' }],
      }),
    });
    expect(status.output).toMatchObject({
      status: 'Invalid',
      compensated: [],
      reason: 'items.0.productId: Unknown product',
    });
    expect(recorder.names()).toEqual(['ValidateOrder', 'RecordOrderOutcome']);
  });

  it("touches nothing, records nothing and counts nothing when the run is not the order's own", async () => {
    const { status, recorder, id } = await run({
      ValidateOrder: () => ({
        valid: false,
        owned: false,
        issues: [{ path: '', message: 'The input differs from the stored order' }],
      }),
    });
    expect(status.output).toEqual({
      status: 'Invalid',
      orderId: id,
      reason: ': The input differs from the stored order',
      compensated: [],
    });
    expect(recorder.names()).toEqual(['ValidateOrder']);
    // No orderStarted or orderFinished reached the customer's ledger.
    expect((await host.client.readEntityState('customerStats', 'cust-1')).state ?? '').not.toContain(id);
  });

  it('returns OutOfStock without compensating when the reservation is short', async () => {
    const { status, recorder } = await run({
      ReserveInventory: () => ({
        status: 'OutOfStock',
        shortages: [{ productId: 'widget-1', requested: 2, available: 1 }],
      }),
    });
    expect(status.output).toMatchObject({ status: 'OutOfStock', compensated: [] });
    expect(recorder.names()).toEqual(['ValidateOrder', 'ReserveInventory', 'RecordOrderOutcome']);
  });

  it('releases the inventory when the card is declined', async () => {
    const { status, recorder } = await run({
      ProcessPayment: () => ({ status: 'Declined', declineCode: 'card_declined' }),
    });
    expect(status.output).toMatchObject({
      status: 'PaymentFailed',
      reason: 'card_declined',
      compensated: ['ReleaseInventory'],
    });
    expect(recorder.names()).toEqual([
      'ValidateOrder',
      'ReserveInventory',
      'ProcessPayment',
      'ReleaseInventory',
      'RecordOrderOutcome',
    ]);
  });

  it('refunds and releases, in that order, when the carrier rejects the shipment', async () => {
    const { status, recorder } = await run({
      CreateShipment: () => ({ status: 'Rejected', reason: 'No delivery to AQ' }),
    });
    expect(status.output).toMatchObject({
      status: 'ShipmentFailed',
      compensated: ['RefundPayment', 'ReleaseInventory'],
    });
    expect(recorder.names().slice(-3)).toEqual(['RefundPayment', 'ReleaseInventory', 'RecordOrderOutcome']);
  });

  it.each([
    ['ValidateOrder', []],
    ['ReserveInventory', ['ReleaseInventory']],
    ['ProcessPayment', ['RefundPayment', 'ReleaseInventory']],
    ['CreateShipment', ['CancelShipment', 'RefundPayment', 'ReleaseInventory']],
    ['SendConfirmation', ['CancelShipment', 'RefundPayment', 'ReleaseInventory']],
  ])(
    'when %s keeps failing, retries it, undoes %j (its own undo too: it may have taken effect) and fails',
    async (step, undone) => {
      const { status, recorder } = await run({ [step]: failing(`${step} is down`) }, '10m');
      expect(status.runtimeStatus).toBe('Failed');
      expect(recorder.names().filter((n) => n === step)).toHaveLength(3);
      const after = recorder.names().slice(recorder.names().lastIndexOf(step) + 1);
      // A validated order records the failure; one that never validated is not known to be its own.
      expect(after).toEqual(step === 'ValidateOrder' ? [] : [...undone, 'RecordOrderOutcome']);
      expect(JSON.stringify(status.output)).toContain(`${step} failed after retries`);
      if (step !== 'ValidateOrder') {
        expect(recorder.calls.at(-1)?.input).toMatchObject({
          outcome: { status: 'Failed', compensated: undone },
        });
      }
    },
  );

  it('reports CompensationFailed when an undo keeps failing, after trying every undo', async () => {
    const { status, recorder } = await run(
      {
        CreateShipment: () => ({ status: 'Rejected', reason: 'No delivery' }),
        RefundPayment: failing('gateway down'),
      },
      '30m',
    );
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toMatchObject({
      status: 'CompensationFailed',
      compensated: ['ReleaseInventory'],
      compensationFailures: ['RefundPayment'],
    });
    expect(recorder.names().filter((n) => n === 'RefundPayment')).toHaveLength(5);
  });

  it('fails at once on input that bypassed the starter, naming the field', async () => {
    fakeActivities(host, happy);
    const instanceId = await host.start('processOrder', {
      input: { order: { ...order('x'), items: [] }, paymentTokenRef: randomUUID() },
      instanceId: uniqueId('bad'),
    });
    const status = await host.waitForStatus(instanceId, ['Completed', 'Failed']);
    expect(status.runtimeStatus).toBe('Failed');
    expect(JSON.stringify(status.output)).toContain('order.items');
  });
});
