import type { TestHost } from '../../../devhost/testing/startTestHost';
import { startFixtureHost } from './fixtureHost';

describe('durable engine: entity operations before entity functions run', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('queues a signal for the entity and reports it once, without spinning', async () => {
    await host.client.signalEntity('Counter', 'k1', 'add', '5');
    await host.runUntilIdle();
    await host.clock.advance('1h');
    const notices = host.logs.filter((r) => r.message.includes("Entity '@counter@k1' has messages"));
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
