import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('durable plugin inside devhost', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('starts an orchestration from an HTTP function and serves the status URL it returns', async () => {
    const response = await fetch(`${host.baseUrl}/api/start/Sequence`, { method: 'POST', body: '["Lima"]' });
    expect(response.status).toBe(202);
    const links = (await response.json()) as { id: string; statusQueryGetUri: string };
    expect(links.statusQueryGetUri.startsWith(host.baseUrl)).toBe(true);

    await host.waitForStatus(links.id, 'Completed');
    const status = await fetch(links.statusQueryGetUri);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      instanceId: links.id,
      runtimeStatus: 'Completed',
      output: ['Hello Lima!'],
    });
  });

  it('hands tests the SDK DurableClient talking to this host', async () => {
    const id = await host.durableClient.startNew('WaitForEvent', { instanceId: uniqueId('sdk') });
    await host.waitForStatus(id, 'Running');
    await host.durableClient.raiseEvent(id, 'Go', 4);
    await host.waitForStatus(id, 'Completed');
    const status = await host.durableClient.getStatus(id);
    expect(status.output).toBe(8);
  });

  it('says at start that the task hub lives in memory only', () => {
    const line = host.logs.find((r) => r.message.includes('memory store'));
    expect(line?.message).toMatch(/DurableFixtureHub.*lost when devhost stops/);
  });
});
