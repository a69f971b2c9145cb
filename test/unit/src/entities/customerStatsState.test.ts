import { type CustomerLedger, summarizeCustomerStats, type StoredOrderFacts } from '../../../../src/domain';
import {
  applyCustomerStatsOperation,
  emptyCustomerLedger,
  ledgerOf,
} from '../../../../src/entities/customerStatsState';

const at = '2030-01-01T00:00:00.000Z';

function run(state: CustomerLedger, ops: readonly (readonly [string, unknown])[]): CustomerLedger {
  return ops.reduce((current, [op, input]) => applyCustomerStatsOperation(current, op, input).state, state);
}

const stored = (id: string, outcome?: StoredOrderFacts['outcome'], customerId = 'c1'): StoredOrderFacts => ({
  id,
  customerId,
  totalCents: 1500,
  ...(outcome ? { outcome, finishedAt: at } : {}),
});

describe('customerStats entity operations', () => {
  it('lists each order once, in the order the workflows reported them', () => {
    const ledger = run(emptyCustomerLedger('c1'), [
      ['orderStarted', { orderId: 'o1', at }],
      ['orderStarted', { orderId: 'o2', at }],
      ['orderFinished', { orderId: 'o2', at }],
      ['orderStarted', { orderId: 'o2', at }],
      ['orderFinished', { orderId: 'o2', at }],
      ['orderFinished', { orderId: 'o1', at }],
    ]);
    expect(ledger).toEqual({
      customerId: 'c1',
      next: 4,
      orders: {
        o1: { finished: true, seq: 3, at },
        o2: { finished: true, seq: 2, at },
      },
    });
  });

  it('returns the ledger to a caller of get and has no operation that wipes it', () => {
    const ledger = run(emptyCustomerLedger('c2'), [['orderStarted', { orderId: 'o1', at }]]);
    expect(applyCustomerStatsOperation(ledger, 'get', undefined)).toEqual({ state: ledger, result: ledger });
    for (const op of ['reset', 'delete', 'explode']) {
      expect(() => applyCustomerStatsOperation(ledger, op, undefined)).toThrow(`no operation "${op}"`);
    }
  });

  it('rejects malformed inputs by field', () => {
    const ledger = emptyCustomerLedger('c3');
    expect(() => applyCustomerStatsOperation(ledger, 'orderFinished', { orderId: 'o', at: 'soon' })).toThrow(
      /at/,
    );
    expect(() =>
      applyCustomerStatsOperation(ledger, 'orderFinished', { orderId: 'o', at, totalCents: 1e9 }),
    ).toThrow(/totalCents/);
    expect(() => applyCustomerStatsOperation(ledger, 'orderStarted', { orderId: 'a b', at })).toThrow(
      /orderId/,
    );
  });

  it('starts a fresh ledger from a state of another shape', () => {
    expect(ledgerOf('c4', { customerId: 'c4', inFlight: 3, outcomes: {} })).toEqual(
      emptyCustomerLedger('c4'),
    );
    expect(ledgerOf('c4', null)).toEqual(emptyCustomerLedger('c4'));
  });
});

describe('customer statistics', () => {
  it('count the listed orders as their stored documents say, amounts included', () => {
    const ledger = run(emptyCustomerLedger('c1'), [
      ['orderStarted', { orderId: 'paid', at }],
      ['orderFinished', { orderId: 'paid', at }],
      ['orderStarted', { orderId: 'declined', at }],
      ['orderFinished', { orderId: 'declined', at }],
      ['orderStarted', { orderId: 'running', at }],
      ['orderStarted', { orderId: 'broken', at }],
      ['orderFinished', { orderId: 'broken', at }],
    ]);
    const stats = summarizeCustomerStats(ledger, [
      stored('paid', { status: 'Completed', orderId: 'paid', totalCents: 1500, compensated: [] }),
      stored('declined', { status: 'PaymentFailed', orderId: 'declined', totalCents: 900, compensated: [] }),
      stored('running'),
      stored('broken', { status: 'Failed', orderId: 'broken', compensated: [] }),
    ]);
    expect(stats).toEqual({
      customerId: 'c1',
      inFlight: 1,
      outcomes: { Completed: 1, PaymentFailed: 1, Failed: 1 },
      completedOrders: 1,
      totalSpentCents: 1500,
      lastOrderId: 'broken',
      lastOutcome: 'Failed',
      lastUpdated: at,
    });
  });

  it('ignore entries no stored order of the customer backs, and finishes only what the store finished', () => {
    const ledger = run(emptyCustomerLedger('c1'), [
      ['orderFinished', { orderId: 'forged', at }],
      ['orderFinished', { orderId: 'someone-elses', at }],
      ['orderFinished', { orderId: 'still-running', at }],
    ]);
    const stats = summarizeCustomerStats(ledger, [
      stored(
        'someone-elses',
        { status: 'Completed', orderId: 'someone-elses', totalCents: 9, compensated: [] },
        'c9',
      ),
      stored('still-running'),
    ]);
    expect(stats).toEqual({
      customerId: 'c1',
      inFlight: 1,
      outcomes: {},
      completedOrders: 0,
      totalSpentCents: 0,
    });
  });
});
