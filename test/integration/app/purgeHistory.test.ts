import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { failing, fakeActivities } from './appHost';
import { startAppHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

/**
 * PurgeHistory on the virtual clock with the app's own settings (local.settings.json: daily at
 * 02:00 UTC, 30 days). Virtual time starts at 2030-01-01T00:00:00Z.
 */
describe('PurgeHistory', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startAppHost();
    fakeActivities(host, {
      CallDownstream: () => ({ response: 'accepted' }),
      HandleFailure: failing('not expected'),
      SendApprovalRequest: () => ({ messageId: 'm1', sentTo: 'boss@example.com' }),
      NotifyTimeout: () => ({ timedOut: true, messageId: 'm4' }),
    });
  });
  afterEach(async () => {
    await host.stop();
  });

  async function completedOperation(): Promise<string> {
    const operationId = uniqueId('op');
    const instanceId = await host.start('resilientOrchestrator', {
      instanceId: `operation-${operationId}`,
      input: { operationId },
    });
    await host.waitForStatus(instanceId, 'Completed');
    return instanceId;
  }

  async function waitingApproval(): Promise<string> {
    const requestId = uniqueId('req');
    const instanceId = await host.start('approvalWorkflow', {
      instanceId: `approval-${requestId}`,
      input: {
        request: { requestId, requestedBy: 'ada@example.com', approver: 'boss@example.com', subject: 'Desk' },
        timeoutSeconds: 3_600,
      },
    });
    await host.waitForStatus(instanceId, 'Running');
    return instanceId;
  }

  const exists = async (instanceId: string) => (await host.client.getStatus(instanceId)) !== undefined;
  const purgeLogs = () => host.logs.map((r) => r.message).filter((m) => m.startsWith('Purged '));

  it('purges finished instances once they are older than 30 days, and keeps unfinished and recent ones', async () => {
    const completed = await completedOperation();
    // An input the orchestrator's schema refuses fails the instance.
    const failed = await host.start('resilientOrchestrator', {
      instanceId: uniqueId('operation-bad'),
      input: {},
    });
    await host.waitForStatus(failed, 'Failed');
    const terminated = await waitingApproval();
    await host.client.terminate(terminated, 'test');
    await host.waitForStatus(terminated, 'Terminated');
    const suspended = await waitingApproval();
    await host.client.suspend(suspended, 'test');
    await host.waitForStatus(suspended, 'Suspended');
    const customer = uniqueId('cust');
    await host.client.signalEntity(
      'customerStats',
      customer,
      'orderStarted',
      JSON.stringify({ orderId: 'o-1', at: '2030-01-01T00:00:00.000Z' }),
    );
    await host.runUntilIdle();
    expect((await host.client.readEntityState('customerStats', customer)).exists).toBe(true);
    const old = [completed, failed, terminated];

    await host.clock.advance('20d');
    const recent = await completedOperation();

    // The run at 2030-01-30T02:00 purges what was created before 2029-12-31T02:00: nothing yet.
    await host.clock.advance('9.02:00:00');
    for (const id of [...old, suspended, recent])
      expect({ id, exists: await exists(id) }).toEqual({ id, exists: true });
    expect(purgeLogs()).toHaveLength(30);
    expect(purgeLogs().every((m) => m.startsWith('Purged 0 '))).toBe(true);

    // The run at 2030-01-31T02:00 purges what was created before 2030-01-01T02:00.
    await host.clock.advance('1d');
    expect(purgeLogs().at(-1)).toBe('Purged 3 finished instances created before 2030-01-01T02:00:00.000Z');
    for (const id of old) {
      expect({ id, exists: await exists(id) }).toEqual({ id, exists: false });
      expect(await host.history(id)).toEqual([]);
    }
    expect((await host.client.getStatus(suspended))?.runtimeStatus).toBe('Suspended');
    expect((await host.client.getStatus(recent))?.runtimeStatus).toBe('Completed');
    expect((await host.client.readEntityState('customerStats', customer)).exists).toBe(true);
  });
});
