import { type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { getConfig } from '../config';
import { getRepositories } from '../data/repositories';
import { findStatus } from '../http/instances';
import { occurrenceOf } from '../timerOccurrence';

/** Orders looked at per run: a backlog of candidates is worked off over several runs. */
export const RECONCILE_BATCH = 100;

export interface ReconcileReport {
  cutoff: string;
  candidates: number;
  abandoned: number;
  tokensDeleted: number;
}

/**
 * Finds orders stored without a workflow (StartOrder stores the order, then starts its workflow;
 * a crash in between leaves the order and its stored payment token behind) whose last start
 * attempt is older than `cutoff`, and marks each `Abandoned` and deletes its stored payment
 * tokens. The client was never told 202, so nothing is charged behind its back; a client that
 * retries in time gets its order started by StartOrder instead. An order whose workflow exists is
 * left to that workflow, which records the outcome.
 */
export async function reconcileStoredOrders(
  client: df.DurableClient,
  asOf: Date,
  afterSeconds: number,
): Promise<ReconcileReport> {
  const cutoff = new Date(asOf.getTime() - afterSeconds * 1000).toISOString();
  const { orders, paymentTokens } = await getRepositories();
  const candidates = await orders.listUnfinishedBefore(cutoff, RECONCILE_BATCH);
  const report: ReconcileReport = { cutoff, candidates: candidates.length, abandoned: 0, tokensDeleted: 0 };
  for (const order of candidates) {
    if (await findStatus(client, order.instanceId)) continue;
    const at = new Date().toISOString();
    const marked = await orders.abandon(
      order.id,
      cutoff,
      {
        status: 'Abandoned',
        orderId: order.id,
        reason: `Its workflow never started: no request started it within ${afterSeconds} s of storing it`,
        compensated: [],
      },
      at,
    );
    if (!marked) continue; // a request claimed it since the listing, or it ended
    report.abandoned += 1;
    // Only after the mark: from then on no request starts the order, so no token is needed.
    report.tokensDeleted += await paymentTokens.deleteAllFor(order.id);
  }
  return report;
}

/**
 * Timer (ORDER_RECONCILE_SCHEDULE, hourly by default): abandons orders whose workflow never
 * started once their last start attempt is ORDER_RECONCILE_AFTER_SECONDS old (default an hour,
 * above host.json's 10-minute functionTimeout, so no starter that claimed an order is still
 * running when the sweep looks at it).
 */
export async function reconcileOrders(
  timer: Timer,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<void> {
  const report = await reconcileStoredOrders(
    client,
    occurrenceOf(timer),
    getConfig().ORDER_RECONCILE_AFTER_SECONDS,
  );
  context.log(
    `Reconciled orders stored before ${report.cutoff}: ${report.candidates} unfinished, ` +
      `${report.abandoned} abandoned, ${report.tokensDeleted} stored payment tokens deleted`,
  );
}

df.app.client.timer('ReconcileOrders', {
  schedule: '%ORDER_RECONCILE_SCHEDULE%',
  handler: reconcileOrders,
});
