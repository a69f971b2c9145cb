/**
 * Every branch of every orchestrator, and every operation of the entity, driven the way users drive
 * the app: over its HTTP API, with its real activities against Cosmos. An activity is faked only
 * where no real input reaches the branch (an undo that keeps failing, an item that keeps failing, a
 * flaky downstream). New activities the app gains simply run, so these drivers survive changes to
 * the workflows; a branch whose outcome changes is reported, not recorded.
 */
import type { TestHost } from 'devhost/testing';
import type { Repositories } from '../src/data/repositories';

export interface BranchContext {
  host: TestHost;
  repos: Repositories;
  /** Calls the app over HTTP; returns the status code and the parsed body. */
  http(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Runs until the instance ends, moving virtual time forward as far as `advance` when it must wait. */
  settle(instanceId: string, advance?: string): Promise<{ runtimeStatus: string; output: unknown }>;
  /** Replaces an activity for the rest of this branch. */
  fake(activity: string, handler: (input: unknown) => unknown): void;
}

export interface OrchestrationRecording {
  kind: 'orchestration';
  name: string;
  branch: string;
  description: string;
  instanceId: string;
}

export interface EntityRecording {
  kind: 'entity';
  name: string;
  branch: string;
  description: string;
  instanceId: string;
  operation: { name: string; input?: unknown; signal?: boolean };
}

export type Recording = OrchestrationRecording | EntityRecording;

export interface Branch {
  /** `<name>/<branch>` of the main recording, for `--only`. */
  id: string;
  /** Drives the app into the branch; returns what to record and the outcome the branch must have. */
  run(context: BranchContext): Promise<{ recordings: Recording[]; problem?: string | undefined }>;
}

const address = (country = 'US') => ({
  name: 'Ada Lovelace',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country,
});

const orderBody = (
  id: string,
  options: {
    token?: string;
    country?: string;
    productId?: string;
    quantity?: number;
    unitPrice?: number;
  } = {},
) => ({
  id,
  customerId: 'cust-golden',
  items: [
    {
      productId: options.productId ?? 'widget-1',
      quantity: options.quantity ?? 2,
      unitPrice: options.unitPrice ?? 19.99,
    },
  ],
  currency: 'USD',
  shippingAddress: address(options.country),
  paymentMethodToken: options.token ?? 'tok_visa',
});

/** The outcome a branch must end in, so a changed workflow is noticed instead of recorded as the branch. */
function outcome(expected: Record<string, unknown>) {
  return (actual: unknown): string | undefined => {
    const value = (actual ?? {}) as Record<string, unknown>;
    const wrong = Object.entries(expected).filter(([k, v]) => JSON.stringify(value[k]) !== JSON.stringify(v));
    return wrong.length === 0
      ? undefined
      : `expected ${JSON.stringify(expected)}, the run ended with ${JSON.stringify(actual)}`;
  };
}

function order(
  branch: string,
  description: string,
  body: ReturnType<typeof orderBody> | ((id: string) => ReturnType<typeof orderBody>),
  expected: Record<string, unknown>,
  prepare?: (context: BranchContext) => void,
  advance?: string,
): Branch {
  return {
    id: `processOrder/${branch}`,
    async run(context) {
      prepare?.(context);
      const id = `golden-${branch}`;
      const started = await context.http('POST', '/api/orders', typeof body === 'function' ? body(id) : body);
      if (started.status !== 202)
        throw new Error(`POST /api/orders answered ${started.status}: ${JSON.stringify(started.body)}`);
      const done = await context.settle(`order-${id}`, advance);
      return {
        recordings: [
          { kind: 'orchestration', name: 'processOrder', branch, description, instanceId: `order-${id}` },
        ],
        problem: outcome(expected)(done.output),
      };
    },
  };
}

function batch(
  branch: string,
  description: string,
  items: { itemId: string; productId: string; quantity: number }[],
  expected: Record<string, unknown>,
  prepare?: (context: BranchContext) => void,
): Branch {
  return {
    id: `processBatch/${branch}`,
    async run(context) {
      prepare?.(context);
      const batchId = `golden-${branch}`;
      const started = await context.http('POST', '/api/batches', { batchId, items });
      if (started.status !== 202) throw new Error(`POST /api/batches answered ${started.status}`);
      const done = await context.settle(`batch-${batchId}`, '10m');
      return {
        recordings: [
          {
            kind: 'orchestration',
            name: 'processBatch',
            branch,
            description,
            instanceId: `batch-${batchId}`,
          },
          {
            kind: 'orchestration',
            name: 'processBatchChunk',
            branch,
            description: `${description} (the chunk)`,
            instanceId: `batch-${batchId}:chunk:0`,
          },
        ],
        problem: outcome(expected)(done.output),
      };
    },
  };
}

function approval(
  branch: string,
  description: string,
  decide: (context: BranchContext, instanceId: string, link: URL) => Promise<void>,
  expected: Record<string, unknown>,
  timeoutSeconds = 86_400,
): Branch {
  return {
    id: `approvalWorkflow/${branch}`,
    async run(context) {
      const requestId = `golden-${branch}`;
      const instanceId = `approval-${requestId}`;
      const started = await context.http('POST', '/api/approvals', {
        requestId,
        requestedBy: 'ada@example.com',
        approver: 'boss@example.com',
        subject: 'New laptop',
        amount: 2400,
        timeoutSeconds,
      });
      if (started.status !== 202) throw new Error(`POST /api/approvals answered ${started.status}`);
      await context.host.runUntilIdle();
      const message = await context.repos.outbox.get(`ApprovalRequest:${requestId}`);
      if (!message?.link) throw new Error(`No approval request in the outbox for ${requestId}.`);
      await decide(context, instanceId, new URL(message.link));
      const done = await context.settle(instanceId, `${timeoutSeconds + 60}s`);
      return {
        recordings: [{ kind: 'orchestration', name: 'approvalWorkflow', branch, description, instanceId }],
        problem: outcome(expected)(done.output),
      };
    },
  };
}

/** The approver's answer through the link the app sent, as a browser or curl would post it. */
async function answer(context: BranchContext, instanceId: string, link: URL, decision: string) {
  const token = link.searchParams.get('token') ?? '';
  return context.http('POST', `/api/approvals/${instanceId}/response?token=${encodeURIComponent(token)}`, {
    decision,
    comment: `${decision.toLowerCase()} in the golden run`,
  });
}

function operation(
  branch: string,
  description: string,
  prepare: (context: BranchContext) => void,
  expected: Record<string, unknown>,
): Branch {
  return {
    id: `resilientOrchestrator/${branch}`,
    async run(context) {
      prepare(context);
      const operationId = `golden-${branch}`;
      const started = await context.http('POST', '/api/operations', {
        operationId,
        payload: { sku: 'widget-1' },
      });
      if (started.status !== 202) throw new Error(`POST /api/operations answered ${started.status}`);
      const done = await context.settle(`operation-${operationId}`, '10m');
      return {
        recordings: [
          {
            kind: 'orchestration',
            name: 'resilientOrchestrator',
            branch,
            description,
            instanceId: `operation-${operationId}`,
          },
        ],
        problem: outcome(expected)(done.output),
      };
    },
  };
}

/**
 * Entity operations no workflow sends but the app's users may (reads), recorded besides the ones
 * the recorded workflows sent.
 */
export const ENTITY_READS: Record<string, { name: string; input?: unknown }[]> = {
  customerStats: [{ name: 'get' }],
};

/** The entity key the entity recordings use, apart from every key the workflows touched. */
export const ENTITY_KEY = 'golden-customer';

let downstreamCalls = 0;

export const BRANCHES: readonly Branch[] = [
  order('completed', 'Validated, reserved, paid, shipped and confirmed.', orderBody('golden-completed'), {
    status: 'Completed',
    compensated: [],
  }),
  order(
    'invalid',
    'The price in the order is not the catalogue price: ValidateOrder refuses it, nothing to undo.',
    orderBody('golden-invalid', { unitPrice: 1 }),
    { status: 'Invalid', compensated: [] },
  ),
  order(
    'outOfStock',
    'More than the stock of limited-1: the reservation is refused, nothing to undo.',
    orderBody('golden-outOfStock', { productId: 'limited-1', quantity: 3, unitPrice: 250 }),
    { status: 'OutOfStock', compensated: [] },
  ),
  order(
    'paymentDeclined',
    'The card is declined: the reservation is released.',
    orderBody('golden-paymentDeclined', { token: 'tok_chargeDeclined' }),
    { status: 'PaymentFailed', compensated: ['ReleaseInventory'] },
  ),
  order(
    'shipmentFailed',
    'The carrier does not deliver to AQ: the payment is refunded and the reservation released.',
    orderBody('golden-shipmentFailed', { country: 'AQ' }),
    { status: 'ShipmentFailed', compensated: ['RefundPayment', 'ReleaseInventory'] },
  ),
  order(
    'compensationFailed',
    'The shipment is refused and the refund keeps failing after its retries: reported, the rest undone.',
    orderBody('golden-compensationFailed', { country: 'AQ' }),
    {
      status: 'CompensationFailed',
      compensated: ['ReleaseInventory'],
      compensationFailures: ['RefundPayment'],
    },
    (context) =>
      context.fake('RefundPayment', () => {
        throw new Error('The payment gateway is unavailable (503)');
      }),
    '30m',
  ),
  batch(
    'allSucceeded',
    'Every item is processed.',
    [0, 1, 2].map((i) => ({ itemId: `line-${i}`, productId: 'gizmo-1', quantity: 1 })),
    { status: 'Completed', total: 3, succeeded: 3, rejected: 0, failed: 0 },
  ),
  batch(
    'someRejected',
    'One item names a product that does not exist: it is rejected, the rest succeed.',
    [
      { itemId: 'line-0', productId: 'gizmo-1', quantity: 1 },
      { itemId: 'line-1', productId: 'ghost', quantity: 1 },
      { itemId: 'line-2', productId: 'gizmo-1', quantity: 1 },
    ],
    { status: 'Completed', total: 3, succeeded: 2, rejected: 1, failed: 0 },
  ),
  batch(
    'itemFailed',
    'One item keeps failing after its retries: it is recorded as Failed, the rest succeed.',
    [0, 1, 2].map((i) => ({ itemId: `line-${i}`, productId: 'gizmo-1', quantity: 1 })),
    { status: 'Completed', total: 3, succeeded: 2, rejected: 0, failed: 1 },
    (context) =>
      context.fake('ProcessItem', (input) => {
        const { item } = input as { item: { itemId: string } };
        if (item.itemId === 'line-1') throw new Error('The warehouse is unavailable (503)');
        return { itemId: item.itemId, outcome: 'Succeeded', lineTotalCents: 1250 };
      }),
  ),
  approval(
    'approved',
    'The approver approves through the link.',
    async (context, id, link) => {
      await answer(context, id, link, 'Approved');
    },
    { status: 'Approved' },
  ),
  approval(
    'rejected',
    'The approver rejects through the link.',
    async (context, id, link) => {
      await answer(context, id, link, 'Rejected');
    },
    { status: 'Rejected' },
  ),
  approval(
    'timedOut',
    'Nobody answers before the deadline.',
    () => Promise.resolve(),
    { status: 'Timeout' },
    60,
  ),
  approval(
    'tokenReused',
    'The approver answers, then the same link is used again and refused: the workflow sees one answer.',
    async (context, id, link) => {
      await answer(context, id, link, 'Approved');
      await context.host.runUntilIdle();
      const again = await answer(context, id, link, 'Rejected');
      if (again.status !== 409 && again.status !== 410) {
        throw new Error(`A reused approval token was answered ${again.status}, not refused.`);
      }
    },
    { status: 'Approved' },
  ),
  operation(
    'succeededAfterRetries',
    'The downstream fails twice, then accepts: the third attempt succeeds.',
    (context) => {
      downstreamCalls = 0;
      context.fake('CallDownstream', () => {
        downstreamCalls += 1;
        if (downstreamCalls < 3) throw new Error('Simulated downstream is unavailable (503)');
        return { response: 'accepted golden-succeededAfterRetries' };
      });
    },
    { status: 'Succeeded' },
  ),
  operation(
    'retriesExhausted',
    'Every attempt fails: HandleFailure leaves an operator notice.',
    (context) =>
      context.fake('CallDownstream', () => {
        throw new Error('Simulated downstream is unavailable (503)');
      }),
    { status: 'HandledFailure' },
  ),
];
