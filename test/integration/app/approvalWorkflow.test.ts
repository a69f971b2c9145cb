import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { type Fake, fakeActivities, startAppHost, uniqueId } from './appHost';

const notifications: Record<string, Fake> = {
  SendApprovalRequest: () => ({ messageId: 'm1', sentTo: 'boss@example.com' }),
  ProcessApprovedRequest: () => ({ messageId: 'm2' }),
  NotifyRejection: () => ({ messageId: 'm3' }),
  NotifyTimeout: () => ({ timedOut: true, messageId: 'm4' }),
};

describe('approvalWorkflow on the virtual clock', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startAppHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  async function start(fakes: Record<string, Fake> = {}, timeoutSeconds = 86_400) {
    const recorder = fakeActivities(host, { ...notifications, ...fakes });
    const requestId = uniqueId('req');
    const instanceId = await host.start('approvalWorkflow', {
      instanceId: `approval-${requestId}`,
      input: {
        request: {
          requestId,
          requestedBy: 'ada@example.com',
          approver: 'boss@example.com',
          subject: 'Laptop',
        },
        timeoutSeconds,
      },
    });
    await host.runUntilIdle();
    return { recorder, requestId, instanceId };
  }

  const answer = (decision: 'Approved' | 'Rejected') =>
    JSON.stringify({ decision, decidedAt: '2030-01-01T01:00:00.000Z', comment: 'ok' });

  it('waits for the answer with a 24-hour deadline and processes an approval', async () => {
    const { recorder, instanceId, requestId } = await start();
    const waiting = await host.waitForStatus(instanceId, 'Running');
    expect(waiting.customStatus).toMatchObject({
      step: 'AwaitingApproval',
      deadline: '2030-01-02T00:00:00.000Z',
    });
    expect(recorder.calls[0]?.input).toEqual({ requestId, instanceId, deadline: '2030-01-02T00:00:00.000Z' });

    await host.clock.advance('1h');
    await host.client.raiseEvent(instanceId, 'ApprovalResponse', answer('Approved'));
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toEqual({
      status: 'Approved',
      requestId,
      decidedAt: '2030-01-01T01:00:00.000Z',
      comment: 'ok',
    });
    expect(recorder.names()).toEqual(['SendApprovalRequest', 'ProcessApprovedRequest']);
  });

  it('notifies the requester of a rejection', async () => {
    const { recorder, instanceId } = await start();
    await host.client.raiseEvent(instanceId, 'ApprovalResponse', answer('Rejected'));
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Rejected' });
    expect(recorder.names()).toEqual(['SendApprovalRequest', 'NotifyRejection']);
  });

  it('times out after 24 hours, not a moment before', async () => {
    const { recorder, instanceId } = await start();
    await host.clock.advance('23h');
    expect((await host.waitForStatus(instanceId, 'Running')).runtimeStatus).toBe('Running');
    await host.clock.advance('1h');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Timeout', decidedAt: '2030-01-02T00:00:00.000Z' });
    expect(recorder.names()).toEqual(['SendApprovalRequest', 'NotifyTimeout']);
  });

  it('honours a shorter deadline from the starter', async () => {
    const { instanceId } = await start({}, 60);
    await host.clock.advance('1m');
    expect((await host.waitForStatus(instanceId, 'Completed')).output).toMatchObject({ status: 'Timeout' });
  });

  it('takes an answer recorded just before the deadline over the timeout', async () => {
    const { recorder, instanceId } = await start({
      NotifyTimeout: () => ({ timedOut: false, decision: 'Approved' }),
    });
    await host.clock.advance('24h');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Approved' });
    expect(recorder.names()).toEqual(['SendApprovalRequest', 'NotifyTimeout', 'ProcessApprovedRequest']);
  });

  it('cancels the timer once answered, so nothing is left to fire', async () => {
    const { instanceId } = await start();
    await host.client.raiseEvent(instanceId, 'ApprovalResponse', answer('Approved'));
    await host.waitForStatus(instanceId, 'Completed');
    await host.clock.advance('25h');
    const after = await host.waitForStatus(instanceId, 'Completed');
    expect(after.output).toMatchObject({ status: 'Approved' });
  });
});
