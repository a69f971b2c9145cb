import { InvocationContext } from '@azure/functions';
import { CancelShipment } from '../../../../src/activities/cancelShipment';
import { CreateShipment } from '../../../../src/activities/createShipment';
import { HandleFailure } from '../../../../src/activities/handleFailure';
import { NotifyRejection } from '../../../../src/activities/notifyRejection';
import { NotifyTimeout } from '../../../../src/activities/notifyTimeout';
import { ProcessApprovedRequest } from '../../../../src/activities/processApprovedRequest';
import { ProcessItem } from '../../../../src/activities/processItem';
import { ProcessPayment } from '../../../../src/activities/processPayment';
import { RefundPayment } from '../../../../src/activities/refundPayment';
import { ReleaseInventory } from '../../../../src/activities/releaseInventory';
import { ReserveInventory } from '../../../../src/activities/reserveInventory';
import { SendApprovalRequest } from '../../../../src/activities/sendApprovalRequest';
import { SendConfirmation } from '../../../../src/activities/sendConfirmation';
import { type Repositories, useRepositories } from '../../../../src/data/repositories';
import { cardFingerprint } from '../../../../src/payments/paymentGateway';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';
import { documentState, maskedResult } from '../support/documentState';

let cosmos: TestCosmos;
let repos: Repositories;
const ctx = new InvocationContext({ functionName: 'test' });

beforeAll(async () => {
  cosmos = await startTestCosmos();
  repos = cosmos.repositories({ gatewayLatencyMs: 2 });
  useRepositories(repos);
  process.env.COSMOS_ENDPOINT ??= cosmos.endpoint;
  process.env.COSMOS_DATABASE ??= 'unused';
  process.env.COSMOS_KEY ??= 'unused';
  process.env.WEBSITE_HOSTNAME ??= 'localhost:7071';
});
afterAll(async () => {
  useRepositories(undefined);
  await cosmos.close();
});

function stateOf(id: string): Promise<string[]> {
  return documentState(cosmos.containers, id);
}

/** Runs `act` once for one id and twice at once for another; both must leave the same state. */
async function expectTwiceEqualsOnce(
  prefix: string,
  prepare: (id: string) => Promise<void>,
  act: (id: string) => Promise<unknown>,
) {
  const once = `${prefix}-once`;
  const twice = `${prefix}-twice`;
  await prepare(once);
  await prepare(twice);
  const first = await act(once);
  const results = await Promise.all([act(twice), act(twice)]);
  expect(await stateOf(twice)).toEqual(await stateOf(once));
  const masked = maskedResult;
  expect(masked(results[0], twice)).toBe(masked(first, once));
  expect(results[1]).toEqual(results[0]);
}

const address = { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const nothing = () => Promise.resolve();

describe('side-effecting activities run twice at once leave the state of one run', () => {
  it('ReserveInventory and ReleaseInventory', async () => {
    const stock = (id: string) =>
      repos.products
        .createIfMissing({ id: `${id}-p`, name: 'P', unitPrice: 1, currency: 'USD', stock: 100 })
        .then(nothing);
    await expectTwiceEqualsOnce('res', stock, (id) =>
      ReserveInventory.invoke({ orderId: id, items: [{ productId: `${id}-p`, quantity: 2 }] }, ctx),
    );
    expect((await repos.products.get('res-twice-p'))?.reservations).toEqual({ 'res-twice': 2 });
    await expectTwiceEqualsOnce(
      'rel',
      (id) =>
        stock(id)
          .then(() =>
            ReserveInventory.invoke({ orderId: id, items: [{ productId: `${id}-p`, quantity: 2 }] }, ctx),
          )
          .then(nothing),
      (id) => ReleaseInventory.invoke({ orderId: id, productIds: [`${id}-p`] }, ctx),
    );
    expect((await repos.products.get('rel-twice-p'))?.reservations).toEqual({});
  });

  it('ProcessPayment charges once per order, and the gateway ledger shows it', async () => {
    const refs = new Map<string, string>();
    await expectTwiceEqualsOnce(
      'pay',
      async (id) => {
        refs.set(id, await repos.paymentTokens.put(id, 'tok_visa'));
      },
      (id) =>
        ProcessPayment.invoke(
          { orderId: id, paymentTokenRef: refs.get(id)!, amountCents: 1234, currency: 'USD' },
          ctx,
        ),
    );
    const charges = (await repos.gateway.entries()).filter(
      (e) => e.kind === 'charge' && e.id.includes('pay-twice'),
    );
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ status: 'succeeded', amountCents: 1234 });
  });

  it('ProcessPayment reports a declined card as a result and never returns the token', async () => {
    const paymentTokenRef = await repos.paymentTokens.put('decl-1', 'tok_chargeDeclined');
    const result = await ProcessPayment.invoke(
      { orderId: 'decl-1', paymentTokenRef, amountCents: 500, currency: 'USD' },
      ctx,
    );
    expect(result).toEqual({ status: 'Declined', declineCode: 'card_declined' });
    expect(JSON.stringify(result)).not.toContain('tok_');
  });

  it('ProcessPayment charges only the token stored under its reference for its order', async () => {
    const mine = await repos.paymentTokens.put('bound-1', 'tok_mastercard');
    const other = await repos.paymentTokens.put('bound-2', 'tok_visa');
    // Another order's reference opens nothing: the charge finds no payment method.
    expect(
      await ProcessPayment.invoke(
        { orderId: 'bound-1', paymentTokenRef: other, amountCents: 500, currency: 'USD' },
        ctx,
      ),
    ).toEqual({ status: 'Declined', declineCode: 'payment_method_missing' });
    expect(await repos.gateway.find('charge:bound-1')).toBeUndefined();
    await ProcessPayment.invoke(
      { orderId: 'bound-2', paymentTokenRef: other, amountCents: 500, currency: 'USD' },
      ctx,
    );
    await repos.paymentTokens.delete('bound-1', mine);
    expect(await repos.paymentTokens.get('bound-1', mine)).toBeUndefined();
    expect((await repos.gateway.find('charge:bound-2'))?.cardFingerprint).toBe(cardFingerprint('tok_visa'));
  });

  it('RefundPayment refunds once', async () => {
    await expectTwiceEqualsOnce(
      'ref',
      async (id) => {
        const paymentTokenRef = await repos.paymentTokens.put(id, 'tok_visa');
        await ProcessPayment.invoke({ orderId: id, paymentTokenRef, amountCents: 999, currency: 'USD' }, ctx);
      },
      (id) => RefundPayment.invoke({ orderId: id }, ctx),
    );
    const refunds = (await repos.gateway.entries()).filter(
      (e) => e.kind === 'refund' && e.id.includes('ref-twice'),
    );
    expect(refunds).toHaveLength(1);
  });

  it('RefundPayment refunds a charge the gateway made even if the app never recorded it', async () => {
    await repos.gateway.charge({
      idempotencyKey: 'charge:lost-1',
      token: 'tok_visa',
      amountCents: 700,
      currency: 'USD',
    });
    expect(await repos.payments.get('lost-1', 'charge')).toBeUndefined();
    expect(await RefundPayment.invoke({ orderId: 'lost-1' }, ctx)).toEqual({
      refunded: true,
      refundId: 're_refund:lost-1',
    });
    expect(await RefundPayment.invoke({ orderId: 'never-charged' }, ctx)).toEqual({ refunded: false });
  });

  it('CreateShipment and CancelShipment', async () => {
    await expectTwiceEqualsOnce('ship', nothing, (id) =>
      CreateShipment.invoke({ orderId: id, address }, ctx),
    );
    await expectTwiceEqualsOnce(
      'cancel',
      (id) => CreateShipment.invoke({ orderId: id, address }, ctx).then(nothing),
      (id) => CancelShipment.invoke({ orderId: id }, ctx),
    );
    expect((await repos.shipments.get('cancel-twice'))?.status).toBe('Cancelled');
  });

  it('SendConfirmation and HandleFailure write one outbox message', async () => {
    await expectTwiceEqualsOnce('conf', nothing, (id) =>
      SendConfirmation.invoke(
        { orderId: id, customerId: 'c1', totalCents: 100, currency: 'USD', trackingNumber: 'T1' },
        ctx,
      ),
    );
    await expectTwiceEqualsOnce('fail', nothing, (id) =>
      HandleFailure.invoke({ operationId: id, error: 'boom' }, ctx),
    );
  });

  it('ProcessItem records one result per item', async () => {
    await repos.products.createIfMissing({
      id: 'item-p',
      name: 'P',
      unitPrice: 2.5,
      currency: 'USD',
      stock: 10,
    });
    await expectTwiceEqualsOnce('item', nothing, (id) =>
      ProcessItem.invoke({ batchId: id, item: { itemId: 'i1', productId: 'item-p', quantity: 4 } }, ctx),
    );
    const result = await ProcessItem.invoke(
      { batchId: 'b9', item: { itemId: 'i2', productId: 'missing', quantity: 1 } },
      ctx,
    );
    expect(result).toMatchObject({ outcome: 'Rejected' });
  });

  it('approval activities: one request message, one token, one decision notice', async () => {
    const prepare = async (id: string) => {
      await repos.approvals.create({
        id,
        instanceId: `approval-${id}`,
        request: { requestId: id, requestedBy: 'a@example.com', approver: 'b@example.com', subject: 'Buy' },
        status: 'Pending',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
    };
    const deadline = '2030-01-01T00:00:00.000Z';
    await expectTwiceEqualsOnce('appr', prepare, (id) =>
      SendApprovalRequest.invoke({ requestId: id, instanceId: `approval-${id}`, deadline }, ctx),
    );
    const message = await repos.outbox.get('ApprovalRequest:appr-twice');
    const task = await repos.approvals.get('appr-twice');
    const { hashApprovalToken, tokenFromLink } = await import('../../../../src/activities/approvalToken');
    expect(task?.tokenHash).toBe(hashApprovalToken(tokenFromLink(message?.link ?? '') ?? ''));

    await expectTwiceEqualsOnce('ok', prepare, (id) => ProcessApprovedRequest.invoke({ requestId: id }, ctx));
    await expectTwiceEqualsOnce('no', prepare, (id) => NotifyRejection.invoke({ requestId: id }, ctx));
    await expectTwiceEqualsOnce('late', prepare, (id) =>
      NotifyTimeout.invoke({ requestId: id, at: deadline }, ctx),
    );
    expect((await repos.approvals.get('late-twice'))?.status).toBe('TimedOut');
  });

  it('NotifyTimeout yields to a decision recorded first', async () => {
    await repos.approvals.create({
      id: 'race-1',
      instanceId: 'approval-race-1',
      request: {
        requestId: 'race-1',
        requestedBy: 'a@example.com',
        approver: 'b@example.com',
        subject: 'Buy',
      },
      status: 'Pending',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await repos.approvals.settle('race-1', 'Approved', '2026-01-01T00:00:01.000Z');
    expect(await NotifyTimeout.invoke({ requestId: 'race-1', at: '2026-01-01T00:00:02.000Z' }, ctx)).toEqual({
      timedOut: false,
      decision: 'Approved',
      decidedAt: '2026-01-01T00:00:01.000Z',
    });
  });
});
