import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { type Fake, fakeActivities } from './appHost';
import { startAppHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

const notifications: Record<string, Fake> = {
  SendApprovalRequest: () => ({ messageId: 'm1', sentTo: 'boss@example.com' }),
  ProcessApprovedRequest: () => ({ messageId: 'm2' }),
  NotifyRejection: () => ({ messageId: 'm3' }),
  NotifyTimeout: () => ({ timedOut: true, messageId: 'm4' }),
};

describe('approvalWorkflow on the virtual clock', () => {
  let host: TestHost;
  /** The approval task's decision as ReadApprovalDecision finds it in Cosmos. */
  let stored: Record<string, unknown>;
  beforeEach(async () => {
    host = await startAppHost();
    stored = { status: 'Pending' };
  });
  afterEach(async () => {
    await host.stop();
  });

  async function start(fakes: Record<string, Fake> = {}, timeoutSeconds = 86_400) {
    const recorder = fakeActivities(host, {
      ...notifications,
      ReadApprovalDecision: () => stored,
      ...fakes,
    });
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

  /** What SubmitApproval does: record the decision, then raise the event. */
  async function decide(instanceId: string, decision: 'Approved' | 'Rejected') {
    stored = { status: decision, decidedAt: '2030-01-01T01:00:00.000Z', comment: 'ok' };
    await host.client.raiseEvent(instanceId, 'ApprovalResponse', answer(decision));
  }

  it('waits for the answer with a 24-hour deadline and processes an approval', async () => {
    const { recorder, instanceId, requestId } = await start();
    const waiting = await host.waitForStatus(instanceId, 'Running');
    expect(waiting.customStatus).toMatchObject({
      step: 'AwaitingApproval',
      deadline: '2030-01-02T00:00:00.000Z',
    });
    expect(recorder.calls[0]?.input).toEqual({ requestId, instanceId, deadline: '2030-01-02T00:00:00.000Z' });

    await host.clock.advance('1h');
    await decide(instanceId, 'Approved');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toEqual({
      status: 'Approved',
      requestId,
      decidedAt: '2030-01-01T01:00:00.000Z',
      comment: 'ok',
    });
    expect(recorder.names()).toEqual([
      'SendApprovalRequest',
      'ReadApprovalDecision',
      'ProcessApprovedRequest',
    ]);
    expect(recorder.calls[1]?.input).toEqual({ requestId, instanceId });
  });

  it('notifies the requester of a rejection', async () => {
    const { recorder, instanceId } = await start();
    await decide(instanceId, 'Rejected');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Rejected' });
    expect(recorder.names()).toEqual(['SendApprovalRequest', 'ReadApprovalDecision', 'NotifyRejection']);
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
    await decide(instanceId, 'Approved');
    await host.waitForStatus(instanceId, 'Completed');
    await host.clock.advance('25h');
    const after = await host.waitForStatus(instanceId, 'Completed');
    expect(after.output).toMatchObject({ status: 'Approved' });
  });

  it('ignores an answer event with no recorded decision behind it, and takes the recorded one after', async () => {
    const { recorder, instanceId, requestId } = await start();
    // Raised around SubmitApproval (with the system key): the task in Cosmos is still Pending.
    await host.client.raiseEvent(instanceId, 'ApprovalResponse', answer('Approved'));
    await host.runUntilIdle();
    const waiting = await host.waitForStatus(instanceId, 'Running');
    expect(waiting.customStatus).toMatchObject({ step: 'AwaitingApproval' });

    await decide(instanceId, 'Rejected');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toEqual({
      status: 'Rejected',
      requestId,
      decidedAt: '2030-01-01T01:00:00.000Z',
      comment: 'ok',
    });
    expect(recorder.names()).toEqual([
      'SendApprovalRequest',
      'ReadApprovalDecision',
      'ReadApprovalDecision',
      'NotifyRejection',
    ]);
  });

  it('times out after an unrecorded answer, as NotifyTimeout settles it', async () => {
    const { recorder, instanceId } = await start();
    await host.client.raiseEvent(instanceId, 'ApprovalResponse', answer('Approved'));
    await host.runUntilIdle();
    await host.clock.advance('24h');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Timeout', decidedAt: '2030-01-02T00:00:00.000Z' });
    expect(recorder.names()).toEqual(['SendApprovalRequest', 'ReadApprovalDecision', 'NotifyTimeout']);
  });

  it('stops reading after ten unrecorded answers and waits for the deadline, which takes any recorded decision', async () => {
    const { recorder, instanceId } = await start({
      NotifyTimeout: () => ({ timedOut: false, decision: 'Approved', decidedAt: '2030-01-01T12:00:00.000Z' }),
    });
    for (let i = 0; i < 12; i++) {
      await host.client.raiseEvent(instanceId, 'ApprovalResponse', answer('Approved'));
      await host.runUntilIdle();
    }
    expect(recorder.names().filter((n) => n === 'ReadApprovalDecision')).toHaveLength(10);
    expect((await host.waitForStatus(instanceId, 'Running')).runtimeStatus).toBe('Running');
    await host.clock.advance('24h');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({ status: 'Approved', decidedAt: '2030-01-01T12:00:00.000Z' });
    expect(recorder.names().slice(-2)).toEqual(['NotifyTimeout', 'ProcessApprovedRequest']);
  });
});
