import { randomUUID } from 'node:crypto';
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
import { type Repositories, repositoriesFor, useRepositories } from '../../../../src/data/repositories';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';
import { documentState, maskedResult } from '../support/documentState';
import { type CrashPoint, faultyContainers, InjectedCrash, WriteLog } from '../support/faultyContainers';

let cosmos: TestCosmos;
let repos: Repositories;
const ctx = new InvocationContext({ functionName: 'test' });

beforeAll(async () => {
  cosmos = await startTestCosmos();
  repos = cosmos.repositories();
  process.env.COSMOS_ENDPOINT ??= cosmos.endpoint;
  process.env.COSMOS_DATABASE ??= 'unused';
  process.env.COSMOS_KEY ??= 'unused';
  process.env.WEBSITE_HOSTNAME ??= 'localhost:7071';
});
afterAll(async () => {
  useRepositories(undefined);
  await cosmos.close();
});

const address = { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const deadline = '2030-01-01T00:00:00.000Z';

interface Scenario {
  prepare(id: string): Promise<unknown>;
  act(id: string): Promise<unknown>;
}

/** The activity's run with its data going through `log`. */
async function runWith(log: WriteLog | undefined, act: () => Promise<unknown>): Promise<unknown> {
  useRepositories(log ? repositoriesFor(faultyContainers(cosmos.containers, log)) : repos);
  try {
    return await act();
  } finally {
    useRepositories(undefined);
  }
}

/**
 * Runs the scenario cleanly once, then for every write it makes and both crash points: a run
 * that crashes at that write, followed by a clean retry with the same input. Each retried id must
 * end in the clean run's state with the clean run's result.
 */
async function expectCrashThenRetryEqualsOneRun(label: string, scenario: Scenario): Promise<number> {
  const unique = () => `${label}-${randomUUID().slice(0, 8)}`;
  const cleanId = unique();
  await runWith(undefined, () => scenario.prepare(cleanId));
  const counter = new WriteLog();
  const clean = await runWith(counter, () => scenario.act(cleanId));
  const cleanState = await documentState(cosmos.containers, cleanId);
  expect(counter.writes).toBeGreaterThan(0);

  for (let crashAt = 0; crashAt < counter.writes; crashAt++) {
    for (const point of ['before', 'after'] as CrashPoint[]) {
      const id = unique();
      await runWith(undefined, () => scenario.prepare(id));
      const crashed = runWith(new WriteLog(crashAt, point), () => scenario.act(id));
      await expect(crashed).rejects.toBeInstanceOf(InjectedCrash);
      const retried = await runWith(undefined, () => scenario.act(id));
      const where = `${label}: crash ${point} write ${crashAt}`;
      expect({ where, state: await documentState(cosmos.containers, id) }).toEqual({
        where,
        state: cleanState,
      });
      expect({ where, result: maskedResult(retried, id) }).toEqual({
        where,
        result: maskedResult(clean, cleanId),
      });
    }
  }
  return counter.writes;
}

const product = (id: string, stock = 10) =>
  repos.products.createIfMissing({ id, name: 'P', unitPrice: 2.5, currency: 'USD', stock });

const pendingApproval = (id: string) =>
  repos.approvals.create({
    id,
    instanceId: `approval-${id}`,
    request: { requestId: id, requestedBy: 'a@example.com', approver: 'b@example.com', subject: 'Buy' },
    status: 'Pending',
    createdAt: '2026-01-01T00:00:00.000Z',
  });

describe('a side-effecting activity that crashes between its writes and runs again leaves the state of one run', () => {
  it('ReserveInventory, reserving two lines', async () => {
    const writes = await expectCrashThenRetryEqualsOneRun('res', {
      prepare: async (id) => {
        await product(`${id}-a`);
        await product(`${id}-b`);
      },
      act: (id) =>
        ReserveInventory.invoke(
          {
            orderId: id,
            items: [
              { productId: `${id}-a`, quantity: 2 },
              { productId: `${id}-b`, quantity: 3 },
            ],
          },
          ctx,
        ),
    });
    expect(writes).toBe(2);
  });

  it('ReserveInventory, giving back the first line when the second is short', async () => {
    await expectCrashThenRetryEqualsOneRun('short', {
      prepare: async (id) => {
        await product(`${id}-a`);
        await product(`${id}-b`, 1);
      },
      act: (id) =>
        ReserveInventory.invoke(
          {
            orderId: id,
            items: [
              { productId: `${id}-a`, quantity: 2 },
              { productId: `${id}-b`, quantity: 3 },
            ],
          },
          ctx,
        ),
    });
  });

  it('ReleaseInventory', async () => {
    await expectCrashThenRetryEqualsOneRun('rel', {
      prepare: async (id) => {
        await product(`${id}-a`);
        await product(`${id}-b`);
        await ReserveInventory.invoke(
          {
            orderId: id,
            items: [
              { productId: `${id}-a`, quantity: 1 },
              { productId: `${id}-b`, quantity: 1 },
            ],
          },
          ctx,
        );
      },
      act: (id) => ReleaseInventory.invoke({ orderId: id, productIds: [`${id}-a`, `${id}-b`] }, ctx),
    });
  });

  it('ProcessPayment, with one charge per order in the gateway ledger', async () => {
    const ids: string[] = [];
    const refs = new Map<string, string>();
    await expectCrashThenRetryEqualsOneRun('pay', {
      prepare: async (id) => {
        ids.push(id);
        refs.set(id, await repos.paymentTokens.put(id, 'tok_visa'));
      },
      act: (id) =>
        ProcessPayment.invoke(
          { orderId: id, paymentTokenRef: refs.get(id)!, amountCents: 1234, currency: 'USD' },
          ctx,
        ),
    });
    const entries = await repos.gateway.entries();
    for (const id of ids) {
      expect(entries.filter((e) => e.kind === 'charge' && e.idempotencyKey === `charge:${id}`)).toHaveLength(
        1,
      );
    }
  });

  it('RefundPayment', async () => {
    await expectCrashThenRetryEqualsOneRun('ref', {
      prepare: async (id) => {
        const paymentTokenRef = await repos.paymentTokens.put(id, 'tok_visa');
        await ProcessPayment.invoke({ orderId: id, paymentTokenRef, amountCents: 999, currency: 'USD' }, ctx);
      },
      act: (id) => RefundPayment.invoke({ orderId: id }, ctx),
    });
  });

  it('CreateShipment and CancelShipment', async () => {
    await expectCrashThenRetryEqualsOneRun('ship', {
      prepare: () => Promise.resolve(),
      act: (id) => CreateShipment.invoke({ orderId: id, address }, ctx),
    });
    await expectCrashThenRetryEqualsOneRun('cancel', {
      prepare: (id) => CreateShipment.invoke({ orderId: id, address }, ctx),
      act: (id) => CancelShipment.invoke({ orderId: id }, ctx),
    });
  });

  it('SendConfirmation and HandleFailure', async () => {
    await expectCrashThenRetryEqualsOneRun('conf', {
      prepare: () => Promise.resolve(),
      act: (id) =>
        SendConfirmation.invoke(
          { orderId: id, customerId: 'c1', totalCents: 100, currency: 'USD', trackingNumber: 'T1' },
          ctx,
        ),
    });
    await expectCrashThenRetryEqualsOneRun('fail', {
      prepare: () => Promise.resolve(),
      act: (id) => HandleFailure.invoke({ operationId: id, error: 'boom' }, ctx),
    });
  });

  it('ProcessItem', async () => {
    await expectCrashThenRetryEqualsOneRun('item', {
      prepare: (id) => product(`${id}-p`),
      act: (id) =>
        ProcessItem.invoke({ batchId: id, item: { itemId: 'i1', productId: `${id}-p`, quantity: 4 } }, ctx),
    });
  });

  it('SendApprovalRequest keeps the stored hash matching the link that was sent', async () => {
    const ids: string[] = [];
    await expectCrashThenRetryEqualsOneRun('appr', {
      prepare: (id) => {
        ids.push(id);
        return pendingApproval(id);
      },
      act: (id) => SendApprovalRequest.invoke({ requestId: id, instanceId: `approval-${id}`, deadline }, ctx),
    });
    const { hashApprovalToken, tokenFromLink } = await import('../../../../src/activities/approvalToken');
    for (const id of ids) {
      const message = await repos.outbox.get(`ApprovalRequest:${id}`);
      const task = await repos.approvals.get(id);
      expect(task?.tokenHash).toBe(hashApprovalToken(tokenFromLink(message?.link ?? '') ?? ''));
    }
  });

  it('ProcessApprovedRequest, NotifyRejection and NotifyTimeout', async () => {
    await expectCrashThenRetryEqualsOneRun('ok', {
      prepare: pendingApproval,
      act: (id) => ProcessApprovedRequest.invoke({ requestId: id }, ctx),
    });
    await expectCrashThenRetryEqualsOneRun('no', {
      prepare: pendingApproval,
      act: (id) => NotifyRejection.invoke({ requestId: id }, ctx),
    });
    await expectCrashThenRetryEqualsOneRun('late', {
      prepare: pendingApproval,
      act: (id) => NotifyTimeout.invoke({ requestId: id, at: deadline }, ctx),
    });
  });
});
