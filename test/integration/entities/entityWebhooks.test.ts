import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startEntityHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

/** The entity routes of the public Durable webhook API, answered as the extension answers them. */
describe('entity webhooks', () => {
  let host: TestHost;
  let api: string;
  beforeEach(async () => {
    host = await startEntityHost();
    api = `${host.baseUrl}/runtime/webhooks/durabletask`;
  });
  afterEach(async () => {
    await host.stop();
  });

  async function signal(key: string, amount: number): Promise<Response> {
    return fetch(`${api}/entities/Counter/${key}?op=add`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(amount),
    });
  }

  it('signals with POST (202, empty) and reads one entity with GET (200 with the state, 404 when missing)', async () => {
    const key = uniqueId('get');
    const posted = await signal(key, 2);
    expect(posted.status).toBe(202);
    expect(await posted.text()).toBe('');
    await host.runUntilIdle();
    const read = await fetch(`${api}/entities/counter/${key}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await read.json()).toBe(2);
    const missing = await fetch(`${api}/entities/counter/${uniqueId('never')}`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('');
  });

  it('deletes with DELETE: the operation "delete" is signalled (202) and the entity then reads 404', async () => {
    const key = uniqueId('delete');
    await signal(key, 1);
    await host.runUntilIdle();
    const deleted = await fetch(`${api}/entities/counter/${key}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    await host.runUntilIdle();
    expect((await fetch(`${api}/entities/counter/${key}`)).status).toBe(404);
  });

  it('lists entities page by page with top and the continuation header, with state only when fetchState is set', async () => {
    const keys = [uniqueId('list-a'), uniqueId('list-b')];
    for (const [i, key] of keys.entries()) await signal(key, i + 1);
    await host.client.signalEntity('Recorder', uniqueId('other'), 'note', '"x"');
    await host.runUntilIdle();

    const seen: unknown[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: Response = await fetch(`${api}/entities/counter?top=1&fetchState=true`, {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      expect(page.status).toBe(200);
      const items = (await page.json()) as unknown[];
      expect(items.length).toBeLessThanOrEqual(1);
      seen.push(...items);
      token = page.headers.get('x-ms-continuation-token');
      pages += 1;
    } while (token && pages < 5);
    expect(seen).toEqual([
      { entityId: { name: 'counter', key: keys[0] }, lastOperationTime: '2030-01-01T00:00:00Z', state: 1 },
      { entityId: { name: 'counter', key: keys[1] }, lastOperationTime: '2030-01-01T00:00:00Z', state: 2 },
    ]);

    const all = await fetch(`${api}/entities`);
    const listed = (await all.json()) as { entityId: { name: string }; state: unknown }[];
    expect(listed.map((e) => e.entityId.name).sort()).toEqual(['counter', 'counter', 'recorder']);
    expect(listed.every((e) => e.state === null)).toBe(true);
  });

  it('filters the list by last operation time', async () => {
    const early = uniqueId('early');
    await signal(early, 1);
    await host.runUntilIdle();
    await host.clock.advance('1h');
    const late = uniqueId('late');
    await signal(late, 1);
    await host.runUntilIdle();
    const from = new Date(host.clock.now() - 60_000).toISOString();
    const listed = (await (await fetch(`${api}/entities/counter?lastOperationTimeFrom=${from}`)).json()) as {
      entityId: { key: string };
    }[];
    expect(listed.map((e) => e.entityId.key)).toEqual([late]);
  });

  it('refuses to signal an entity the app does not have with a 400 naming it', async () => {
    const refused = await fetch(`${api}/entities/Nope/k?op=add`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      Message:
        "The function 'nope' doesn't exist, is disabled, or is not an entity function. Additional info: " +
        "The following are the known entity functions: 'Counter', 'Recorder', 'Relay', 'Broken'.",
    });
  });

  it('reads an entity that exists without a state as missing, and lists it only when the state is not fetched', async () => {
    const key = uniqueId('stateless');
    // `get` on a new counter calls context.df.return(), which marks the entity as existing without setState.
    await host.client.signalEntity('Counter', key, 'get', null);
    await host.runUntilIdle();
    expect((await fetch(`${api}/entities/counter/${key}`)).status).toBe(404);
    const keysOf = async (query: string): Promise<string[]> =>
      (
        (await (await fetch(`${api}/entities/counter${query}`)).json()) as { entityId: { key: string } }[]
      ).map((e) => e.entityId.key);
    expect(await keysOf('')).toEqual([key]);
    expect(await keysOf('?fetchState=true')).toEqual([]);
  });
});
