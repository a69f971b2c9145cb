import { applyCustomerStatsOperation, emptyCustomerStats } from '../../../../src/entities/customerStatsState';

const at = '2030-01-01T00:00:00.000Z';

describe('customerStats entity operations', () => {
  it('counts orders in flight and by outcome, and sums what completed orders spent', () => {
    let state = emptyCustomerStats('c1');
    for (const [op, input] of [
      ['orderStarted', { orderId: 'o1', at }],
      ['orderStarted', { orderId: 'o2', at }],
      ['orderStarted', { orderId: 'o3', at }],
      ['orderFinished', { orderId: 'o1', outcome: 'Completed', totalCents: 1500, at }],
      ['orderFinished', { orderId: 'o2', outcome: 'PaymentFailed', totalCents: 900, at }],
      ['orderFailed', { orderId: 'o3', at }],
    ] as const) {
      const step = applyCustomerStatsOperation(state, op, input);
      if ('delete' in step) throw new Error('unexpected delete');
      state = step.state;
    }
    expect(state).toEqual({
      customerId: 'c1',
      inFlight: 0,
      outcomes: { Completed: 1, PaymentFailed: 1, Failed: 1 },
      completedOrders: 1,
      totalSpentCents: 1500,
      lastOrderId: 'o3',
      lastOutcome: 'PaymentFailed',
      lastUpdated: at,
    });
  });

  it('returns the state to a caller of get and deletes itself on reset', () => {
    const state = emptyCustomerStats('c2');
    expect(applyCustomerStatsOperation(state, 'get', undefined)).toEqual({ state, result: state });
    expect(applyCustomerStatsOperation(state, 'reset', undefined)).toEqual({ delete: true });
  });

  it('rejects unknown operations and malformed inputs by name', () => {
    const state = emptyCustomerStats('c3');
    expect(() => applyCustomerStatsOperation(state, 'explode', undefined)).toThrow(/no operation "explode"/);
    expect(() =>
      applyCustomerStatsOperation(state, 'orderFinished', {
        orderId: 'o',
        outcome: 'Bogus',
        totalCents: 1,
        at,
      }),
    ).toThrow(/outcome/);
  });
});
