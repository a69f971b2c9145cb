import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { loadReplayer, type Replayer } from '../../../devhost/src/testing/replay';
import { fakeActivities } from './appHost';
import { appDir, startAppHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

/** The check the deploy docs ask for, on the app's own orchestrators: recorded histories replay. */
describe('the app replays its recorded histories', () => {
  let host: TestHost;
  let replayer: Replayer;
  beforeAll(async () => {
    host = await startAppHost();
    replayer = await loadReplayer({ appDir });
  });
  afterAll(async () => {
    await replayer?.close();
    await host?.stop();
  });

  it('replays a waiting approval to the same point, with nothing new to schedule', async () => {
    fakeActivities(host, { SendApprovalRequest: () => ({ messageId: 'm1', sentTo: 'boss@example.com' }) });
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
        timeoutSeconds: 86_400,
      },
    });
    await host.runUntilIdle();
    await host.waitForStatus(instanceId, 'Running');
    const report = await replayer.replay({ history: await host.history(instanceId) });
    expect(report).toMatchObject({
      deterministic: true,
      orchestratorName: 'approvalWorkflow',
      runtimeStatus: 'Running',
      newWork: [],
    });
  });
});
