import * as path from 'node:path';
import { EventType, type EventRaisedEvent } from '../../../devhost/src/protocol/history';
import { startTestHost, type TestHost } from '../../../devhost/src/testing/startTestHost';
import { entityState, openGate } from './entityHost';
import { uniqueId } from '../../support/ids';

describe('an entity batch that outlives functionTimeout', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startTestHost({ appDir: path.resolve(__dirname, '../../fixtures/entity-app/timeout') });
  });
  afterEach(async () => {
    await host.stop();
  });

  it('fails every operation of the batch with the timeout and keeps the state from before it', async () => {
    const key = uniqueId('slow');
    const gate = await openGate();
    try {
      const id = await host.start('CallsSlow', { input: { key, url: gate.url } });
      await gate.requested;
      const status = await host.waitForStatus(id, ['Completed', 'Failed'], { timeoutMs: 5000 });
      // The extension answers with the timeout's message as plain text, which the SDK cannot parse as
      // JSON: the orchestrator fails outside its own try/catch.
      expect(status).toMatchObject({
        runtimeStatus: 'Failed',
        output: expect.stringMatching(
          /^Orchestrator function 'CallsSlow' failed: Unexpected token/,
        ) as unknown,
      });
      const responses = (await host.history(id)).filter(
        (e): e is EventRaisedEvent => e.EventType === EventType.EventRaised,
      );
      expect(responses).toHaveLength(1);
      expect(JSON.parse(responses[0]?.Input ?? '')).toMatchObject({
        result: expect.stringContaining(
          "Timeout value of 00:00:00.300 exceeded by function 'Slow'",
        ) as unknown,
        exceptionType: 'Error',
      });
      expect(await entityState(host, 'Slow', key)).toBeUndefined();
    } finally {
      gate.release();
      await gate.close();
    }
  });
});
