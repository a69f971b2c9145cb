import { EventType } from '../../../devhost/src/protocol/history';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { failing, fakeActivities } from './appHost';
import { startAppHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('resilientOrchestrator', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startAppHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('retries at 5 s then 10 s and succeeds on the third attempt', async () => {
    let attempt = 0;
    fakeActivities(host, {
      CallDownstream: () => {
        attempt++;
        if (attempt < 3) throw new Error(`503 (attempt ${attempt})`);
        return { response: 'accepted' };
      },
      HandleFailure: () => ({ messageId: 'x' }),
    });
    const operationId = uniqueId('op');
    const instanceId = await host.start('resilientOrchestrator', {
      instanceId: `operation-${operationId}`,
      input: { operationId },
    });
    await host.runUntilIdle();
    expect(attempt).toBe(1);
    await host.clock.advance('4s');
    expect(attempt).toBe(1);
    await host.clock.advance('1s');
    expect(attempt).toBe(2);
    await host.clock.advance('9s');
    expect(attempt).toBe(2);
    await host.clock.advance('1s');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toEqual({ status: 'Succeeded', operationId, response: 'accepted' });
  });

  it('hands the last error to HandleFailure after three failed attempts, and completes', async () => {
    const recorder = fakeActivities(host, {
      CallDownstream: failing('downstream is down'),
      HandleFailure: () => ({ messageId: 'OperationFailed:x' }),
    });
    const operationId = uniqueId('op');
    const instanceId = await host.start('resilientOrchestrator', {
      instanceId: `operation-${operationId}`,
      input: { operationId },
    });
    await host.runUntilIdle();
    await host.clock.advance('1m');
    const done = await host.waitForStatus(instanceId, 'Completed');
    expect(done.output).toMatchObject({
      status: 'HandledFailure',
      operationId,
      error: expect.stringContaining('downstream is down'),
    });
    expect(recorder.names()).toEqual(['CallDownstream', 'CallDownstream', 'CallDownstream', 'HandleFailure']);
    const timers = (await host.history(instanceId)).filter((e) => e.EventType === EventType.TimerCreated);
    expect(timers.length).toBeGreaterThanOrEqual(2);
  });
});
