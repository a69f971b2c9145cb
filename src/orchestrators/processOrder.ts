import * as df from 'durable-functions';
import { CancelShipment } from '../activities/cancelShipment';
import { CreateShipment } from '../activities/createShipment';
import { ProcessPayment } from '../activities/processPayment';
import { RecordOrderOutcome } from '../activities/recordOrderOutcome';
import { RefundPayment } from '../activities/refundPayment';
import { ReleaseInventory } from '../activities/releaseInventory';
import { ReserveInventory } from '../activities/reserveInventory';
import { SendConfirmation } from '../activities/sendConfirmation';
import { ValidateOrder } from '../activities/validateOrder';
import { customerStatsId } from '../entities/customerStats';
import {
  clip,
  type Compensation,
  errorMessage,
  type Order,
  type OrderStep,
  parseOrThrow,
  ProcessOrderInputSchema,
  type ProcessOrderResult,
  ProcessOrderResultSchema,
  type RecordedOrderOutcome,
} from '../domain';
import { compensationRetry, stepRetry } from './retryPolicies';

export const PROCESS_ORDER = 'processOrder';

/** Instance ids derive from order ids, so a second start for one order finds the first. */
export const orderInstanceId = (orderId: string) => `order-${orderId}`;

type Outcome = Omit<ProcessOrderResult, 'compensated' | 'compensationFailures' | 'orderId'>;

/**
 * The order saga. ValidateOrder first proves that the input is the stored order of this instance
 * and that the order has not ended; a run that is not the order's own (started or restarted
 * through the management API) ends as `Invalid` and touches nothing. Then each step with an undo
 * pushes it; a business failure (or a step that still fails after its retries) unwinds the stack
 * in reverse. Business failures complete the orchestration with an outcome; an infrastructure
 * failure fails it after compensating. Either way the outcome is recorded in the order document,
 * once: that record, not this instance's output, is the order's truth.
 */
function* processOrder(context: df.OrchestrationContext): Generator<df.Task, ProcessOrderResult, unknown> {
  const { order, paymentTokenRef } = parseOrThrow(
    ProcessOrderInputSchema,
    context.df.getInput(),
    'processOrder input',
  );
  const now = () => context.df.currentUtcDateTime.toISOString();
  const stats = customerStatsId(order.customerId);
  const undo: Compensation[] = [];
  let step: OrderStep = 'ValidateOrder';
  const enter = (next: OrderStep) => {
    step = next;
    context.df.setCustomStatus({ step, orderId: order.id });
  };

  let outcome: Outcome;
  let owned = false;
  try {
    enter('ValidateOrder');
    const validation = yield* ValidateOrder.run(
      context,
      { order, instanceId: context.df.instanceId },
      stepRetry(),
    );
    const reason = validation.valid
      ? ''
      : clip(validation.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    if (!validation.valid && !validation.owned) {
      // Not this order's workflow: nothing ran, so nothing is recorded, counted or undone.
      context.df.setCustomStatus({ step: 'Done', orderId: order.id, outcome: 'Invalid' });
      return { status: 'Invalid', orderId: order.id, reason, compensated: [] };
    }
    owned = true;
    context.df.signalEntity(stats, 'orderStarted', { orderId: order.id, at: now() });
    outcome = validation.valid
      ? yield* runSteps(context, order, paymentTokenRef, validation.totalCents, undo, enter)
      : { status: 'Invalid', reason };
  } catch (err) {
    const failedStep = step;
    const { compensated, failures } = yield* compensate(context, order, undo, failedStep);
    if (failures.length > 0) {
      return yield* finish(
        context,
        order,
        {
          status: 'CompensationFailed',
          reason: clip(
            `${failedStep} failed (${errorMessage(err)}) and ${failures.join(', ')} could not be undone`,
          ),
        },
        compensated,
        failures,
      );
    }
    const message = clip(
      `${failedStep} failed after retries: ${errorMessage(err)}. Compensated: ${compensated.join(', ') || 'nothing'}`,
    );
    if (owned) {
      try {
        yield* record(context, order, { status: 'Failed', orderId: order.id, reason: message, compensated });
      } catch {
        // The failure below is what matters; the order stays unrecorded, as if still running.
      }
      context.df.signalEntity(stats, 'orderFinished', { orderId: order.id, at: now() });
    }
    context.df.setCustomStatus({ step: 'Done', orderId: order.id, compensated });
    throw new Error(message);
  }

  if (outcome.status === 'Completed') return yield* finish(context, order, outcome, [], []);
  const { compensated, failures } = yield* compensate(context, order, undo, step);
  if (failures.length > 0) {
    return yield* finish(
      context,
      order,
      {
        status: 'CompensationFailed',
        reason: clip(`${outcome.reason ?? outcome.status}; ${failures.join(', ')} could not be undone`),
      },
      compensated,
      failures,
    );
  }
  return yield* finish(context, order, outcome, compensated, []);
}

function* runSteps(
  context: df.OrchestrationContext,
  order: Order,
  paymentTokenRef: string,
  totalCents: number,
  undo: Compensation[],
  enter: (step: OrderStep) => void,
): Generator<df.Task, Outcome, unknown> {
  const orderId = order.id;

  // Each undo is pushed before its step runs: a step that throws may still have taken effect,
  // and every undo is idempotent. A business refusal means it did not, so its undo is dropped.
  enter('ReserveInventory');
  const items = order.items.map(({ productId, quantity }) => ({ productId, quantity }));
  undo.push('ReleaseInventory');
  const reservation = yield* ReserveInventory.run(context, { orderId, items }, stepRetry());
  if (reservation.status === 'OutOfStock') {
    undo.pop();
    const reason = reservation.shortages
      .map((s) => `${s.productId}: ${s.available} of ${s.requested} available`)
      .join('; ');
    return { status: 'OutOfStock', reason, totalCents };
  }

  enter('ProcessPayment');
  undo.push('RefundPayment');
  const payment = yield* ProcessPayment.run(
    context,
    { orderId, paymentTokenRef, amountCents: totalCents, currency: order.currency },
    stepRetry(),
  );
  if (payment.status === 'Declined') {
    undo.pop();
    return { status: 'PaymentFailed', reason: payment.declineCode, totalCents };
  }

  enter('CreateShipment');
  undo.push('CancelShipment');
  const shipment = yield* CreateShipment.run(
    context,
    { orderId, address: order.shippingAddress },
    stepRetry(),
  );
  if (shipment.status === 'Rejected') {
    undo.pop();
    return { status: 'ShipmentFailed', reason: shipment.reason, paymentId: payment.paymentId, totalCents };
  }

  enter('SendConfirmation');
  yield* SendConfirmation.run(
    context,
    {
      orderId,
      customerId: order.customerId,
      totalCents,
      currency: order.currency,
      trackingNumber: shipment.trackingNumber,
    },
    stepRetry(),
  );
  return {
    status: 'Completed',
    paymentId: payment.paymentId,
    shipmentId: shipment.shipmentId,
    trackingNumber: shipment.trackingNumber,
    totalCents,
  };
}

/** Runs the undo stack in reverse; an undo that fails after its retries is reported, not thrown. */
function* compensate(
  context: df.OrchestrationContext,
  order: Order,
  undo: readonly Compensation[],
  failedStep: OrderStep,
): Generator<df.Task, { compensated: Compensation[]; failures: Compensation[] }, unknown> {
  const compensated: Compensation[] = [];
  const failures: Compensation[] = [];
  for (const action of [...undo].reverse()) {
    context.df.setCustomStatus({
      step: 'Compensating',
      orderId: order.id,
      failedStep,
      compensating: action,
      compensated,
    });
    try {
      if (action === 'ReleaseInventory') {
        const productIds = order.items.map((i) => i.productId);
        yield* ReleaseInventory.run(context, { orderId: order.id, productIds }, compensationRetry());
      } else if (action === 'RefundPayment') {
        yield* RefundPayment.run(context, { orderId: order.id }, compensationRetry());
      } else {
        yield* CancelShipment.run(context, { orderId: order.id }, compensationRetry());
      }
      compensated.push(action);
    } catch {
      failures.push(action);
    }
  }
  return { compensated, failures };
}

function* finish(
  context: df.OrchestrationContext,
  order: Order,
  outcome: Outcome,
  compensated: Compensation[],
  failures: Compensation[],
): Generator<df.Task, ProcessOrderResult, unknown> {
  const result: ProcessOrderResult = {
    ...outcome,
    orderId: order.id,
    compensated,
    ...(failures.length > 0 ? { compensationFailures: failures } : {}),
  };
  const recorded = yield* record(context, order, result);
  // A call, not a signal: the customer's statistics are settled before the result is visible
  // (started and failed orders are signalled: nothing waits on those).
  yield context.df.callEntity(customerStatsId(order.customerId), 'orderFinished', {
    orderId: order.id,
    at: context.df.currentUtcDateTime.toISOString(),
  });
  context.df.setCustomStatus({ step: 'Done', orderId: order.id, outcome: recorded.status });
  // The recorded outcome is this one: ValidateOrder lets no run start on an order that ended.
  return parseOrThrow(ProcessOrderResultSchema, recorded, `recorded outcome of order ${order.id}`);
}

function* record(
  context: df.OrchestrationContext,
  order: Order,
  outcome: RecordedOrderOutcome,
): Generator<df.Task, RecordedOrderOutcome, unknown> {
  return yield* RecordOrderOutcome.run(
    context,
    {
      orderId: order.id,
      instanceId: context.df.instanceId,
      outcome,
      at: context.df.currentUtcDateTime.toISOString(),
    },
    stepRetry(),
  );
}

df.app.orchestration(PROCESS_ORDER, processOrder);
