import { EventType } from '../../../devhost/src/protocol/history';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';

describe('durable engine: entity messages the app has no function for', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('keeps a signal for an entity the app lacks queued and reports it once, without spinning', async () => {
    // Clients cannot signal it (the extension refuses unknown entity names); another sender can.
    await expect(host.client.signalEntity('Counter', 'k1', 'add', '5')).rejects.toMatchObject({
      code: 'invalidEntityId',
    });
    await host.engine.store.sendMessage({
      message: {
        event: {
          EventType: EventType.EventRaised,
          EventId: -1,
          IsPlayed: false,
          Timestamp: new Date(host.clock.now()).toISOString(),
          Name: 'op',
          Input: JSON.stringify({
            op: 'add',
            signal: true,
            input: '5',
            id: '00000000-0000-0000-0000-000000000001',
          }),
        },
        orchestrationInstance: { InstanceId: '@counter@k1', ExecutionId: null },
      },
    });
    await host.runUntilIdle();
    await host.clock.advance('1h');
    const notices = host.logs.filter((r) => r.message.includes("Entity '@counter@k1' has operations"));
    expect(notices).toHaveLength(1);
    expect(await host.client.readEntityState('Counter', 'k1')).toEqual({ exists: false, state: null });
    expect((await host.client.listEntities({})).items).toEqual([]);
  });

  it('refuses entity ids the extension refuses', async () => {
    await expect(host.client.signalEntity('Counter', 'a/b', 'add', null)).rejects.toMatchObject({
      code: 'invalidEntityId',
    });
    await expect(host.client.readEntityState('', 'k')).rejects.toMatchObject({ code: 'invalidEntityId' });
  });
});
