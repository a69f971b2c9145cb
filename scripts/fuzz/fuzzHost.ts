/**
 * The host a fuzz run talks to: the compiled app in devhost (keys enforced, memory task hub),
 * Cosmos in-process behind a proxy that counts writes, the outbox viewer mounted, and a few
 * fixtures (an order, a batch, pending approvals with their tokens) for the valid cases to read.
 */
import { outboxPlugin } from '../../devhost/src/emulators/outbox/outboxPlugin';
import { type AppDevhost, startAppDevhost } from '../../test/support/appDevhost';
import { UNIQUE_MARK, type FuzzEnv, type KnownIds } from './cases';
import { startCosmosWriteCounter, type CosmosWriteCounter } from './cosmosWrites';

export interface FuzzHost {
  readonly origin: string;
  readonly app: AppDevhost;
  readonly env: FuzzEnv;
  /** Waits until the durable engine has nothing running or due (what a valid case started is done). */
  settle(): Promise<void>;
  /** What changed since `mark()`: instances created, Cosmos writes. Empty when nothing did. */
  changesSince(began: Mark): Promise<string[]>;
  /** What is there before a case: the Cosmos write count and the instances of the last seconds. */
  mark(): Promise<Mark>;
  stop(): Promise<void>;
}

const APPROVALS = 6;

/** The task hub filters creation times to the second: the window looked at reaches back further. */
const CREATED_WINDOW_MS = 2_000;

export interface Mark {
  at: number;
  writes: number;
  /** Instances created within CREATED_WINDOW_MS before `at`. */
  recent: Set<string>;
}

export async function startFuzzHost(options: { statePrefix?: string } = {}): Promise<FuzzHost> {
  let counter: CosmosWriteCounter | undefined;
  const app = await startAppDevhost(options.statePrefix ?? 'fuzz-', {
    // The simulated downstream never fails: no retry timer of a valid case fires during a later one.
    settings: { DOWNSTREAM_FAILURE_RATE: '0' },
    cosmosEndpoint: async (server) => {
      counter = await startCosmosWriteCounter(server);
      return counter.endpoint;
    },
    plugins: (cosmos, logger) => [
      outboxPlugin(
        { endpoint: cosmos.endpoint, key: cosmos.key, database: cosmos.database.id, container: 'outbox' },
        logger,
        { watch: false },
      ),
    ],
  });
  const writes = counter!;
  const engine = app.durable.engine!;
  const unique = (prefix: string) => `${prefix}-${UNIQUE_MARK}`;
  const settle = () => engine.whenIdle();
  const createdSince = async (at: number) =>
    (
      await engine.operations.listInstances({
        createdTimeFrom: new Date(at - CREATED_WINDOW_MS),
        top: 1000,
        showInput: false,
      })
    ).items;

  const known = await createFixtures(app, settle);
  return {
    origin: app.host.url,
    app,
    env: { masterKey: app.masterKey, known, unique },
    settle,
    async mark() {
      const at = Date.now();
      return {
        at,
        writes: writes.writes,
        recent: new Set((await createdSince(at)).map((i) => i.instanceId)),
      };
    },
    async changesSince(began) {
      const changes: string[] = [];
      const created = (await createdSince(began.at)).filter((i) => !began.recent.has(i.instanceId));
      if (created.length > 0) {
        changes.push(`started ${created.map((i) => `${i.name} ${JSON.stringify(i.instanceId)}`).join(', ')}`);
      }
      if (writes.writes !== began.writes) {
        changes.push(
          `wrote to Cosmos ${writes.writes - began.writes} time(s): ${writes.recent.slice(-3).join(', ')}`,
        );
      }
      return changes;
    },
    async stop() {
      await app.stop();
      await writes.close();
    },
  };
}

async function createFixtures(app: AppDevhost, settle: () => Promise<void>): Promise<KnownIds> {
  const expect202 = async (route: string, body: unknown) => {
    const answer = await app.http('POST', route, { body });
    if (answer.status !== 202)
      throw new Error(`Fixture POST ${route} answered ${answer.status}: ${answer.text}`);
  };
  await expect202('/api/orders', {
    id: 'fz-order',
    customerId: 'fz-customer',
    items: [{ productId: 'gizmo-1', quantity: 1, unitPrice: 5 }],
    currency: 'USD',
    shippingAddress: {
      name: 'Ada',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
    paymentMethodToken: 'tok_visa',
  });
  await expect202('/api/batches', {
    batchId: 'fz-batch',
    items: [{ itemId: 'i1', productId: 'gizmo-1', quantity: 1 }],
  });
  await expect202('/api/operations', { operationId: 'fz-operation' });
  const requestIds = Array.from({ length: APPROVALS + 1 }, (_, i) => `fz-approval-${i}`);
  for (const requestId of requestIds) {
    await expect202('/api/approvals', {
      requestId,
      requestedBy: 'ada@example.com',
      approver: 'boss@example.com',
      subject: 'Fuzzing',
    });
  }
  await settle();
  const outbox = app.cosmos.repositories().outbox;
  const approvals: KnownIds['approvals'] = [];
  for (const requestId of requestIds) {
    const link = (await outbox.get(`ApprovalRequest:${requestId}`))?.link;
    const token = link ? new URL(link).searchParams.get('token') : null;
    if (!token) throw new Error(`Fixture approval ${requestId} sent no link with a token`);
    approvals.push({ requestId, token });
  }
  const [eventTarget, ...pending] = approvals;
  return {
    orderId: 'fz-order',
    customerId: 'fz-customer',
    batchId: 'fz-batch',
    operationId: 'fz-operation',
    finishedInstanceIds: ['order-fz-order', 'batch-fz-batch', 'operation-fz-operation'],
    eventTargetInstanceId: `approval-${eventTarget!.requestId}`,
    approvals: pending,
  };
}
