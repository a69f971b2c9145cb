import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { startCosmosServer, type CosmosServer } from '../../../devhost/src/emulators/cosmos/server';
import { JOURNAL_FILE, SNAPSHOT_FILE } from '../../../devhost/src/emulators/cosmos/journal';
import { COSMOS_EMULATOR_KEY } from '../../../devhost/src/emulators/defaults';

function client(server: CosmosServer): CosmosClient {
  return new CosmosClient({
    endpoint: server.endpoint,
    key: COSMOS_EMULATOR_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}

describe('the Cosmos server with a journal', () => {
  let dir: string;
  const open: CosmosServer[] = [];
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'devhost-cosmos-'));
  });
  afterEach(async () => {
    for (const server of open.splice(0)) await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function start(
    extra: { compactBytes?: number; log?: (m: string) => void } = {},
  ): Promise<CosmosServer> {
    const server = await startCosmosServer({ port: 0, dataDir: dir, ...extra });
    open.push(server);
    return server;
  }

  async function restart(server: CosmosServer): Promise<CosmosServer> {
    open.splice(open.indexOf(server), 1);
    await server.close();
    return start();
  }

  it('serves @azure/cosmos 4.9 over http: database, container, items, query, ETag-guarded replace, delete', async () => {
    const server = await start();
    const { database } = await client(server).databases.createIfNotExists({ id: 'shop' });
    const { container } = await database.containers.createIfNotExists({
      id: 'orders',
      partitionKey: '/customerId',
    });
    const { resource: created } = await container.items.create({ id: 'o1', customerId: 'c1', total: 10 });
    expect(created?._etag).toEqual(expect.any(String));
    const { resources } = await container.items
      .query({ query: 'SELECT * FROM c WHERE c.customerId = @c', parameters: [{ name: '@c', value: 'c1' }] })
      .fetchAll();
    expect(resources.map((r: { id: string }) => r.id)).toEqual(['o1']);
    const replaced = await container
      .item('o1', 'c1')
      .replace(
        { id: 'o1', customerId: 'c1', total: 11 },
        { accessCondition: { type: 'IfMatch', condition: created!._etag } },
      );
    expect(replaced.statusCode).toBe(200);
    await expect(
      container
        .item('o1', 'c1')
        .replace(
          { id: 'o1', customerId: 'c1', total: 12 },
          { accessCondition: { type: 'IfMatch', condition: created!._etag } },
        ),
    ).rejects.toMatchObject({ code: 412 });
    const deleted = await container.item('o1', 'c1').delete();
    expect(deleted.statusCode).toBe(204);
    await expect(container.item('o1', 'c1').read()).resolves.toMatchObject({ statusCode: 404 });
  });

  it('keeps every acknowledged write across a restart with the same _etag, _ts and _rid', async () => {
    let server = await start();
    const { database } = await client(server).databases.createIfNotExists({ id: 'shop' });
    const { container } = await database.containers.createIfNotExists({ id: 'orders', partitionKey: '/pk' });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => container.items.create({ id: `o${i}`, pk: 'p', n: i })),
    );
    await container.item('o1', 'p').patch([{ op: 'set', path: '/n', value: 100 }]);
    await container.items.upsert({ id: 'o2', pk: 'p', n: 200 });
    await container.item('o3', 'p').delete();
    await container.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'b1', pk: 'p' } },
        { operationType: 'Delete', id: 'o4', partitionKey: 'p' },
      ],
      'p',
    );
    const { resource: before } = await container.item('o2', 'p').read();

    server = await restart(server);
    const c2 = client(server).database('shop').container('orders');
    const { resources } = await c2.items.query('SELECT * FROM c').fetchAll();
    const byId = new Map(resources.map((r: { id: string; n?: number }) => [r.id, r.n]));
    expect(byId.size).toBe(19);
    expect(byId.get('o1')).toBe(100);
    expect(byId.get('o2')).toBe(200);
    expect(byId.has('o3')).toBe(false);
    expect(byId.has('o4')).toBe(false);
    expect(byId.has('b1')).toBe(true);
    const { resource: after } = await c2.item('o2', 'p').read();
    expect(after).toEqual(before);
    const replaced = await c2
      .item('o2', 'p')
      .replace(
        { id: 'o2', pk: 'p', n: 201 },
        { accessCondition: { type: 'IfMatch', condition: before._etag } },
      );
    expect(replaced.statusCode).toBe(200);
    const { resource: fresh } = await c2.items.create({ id: 'new', pk: 'p' });
    expect(fresh?._rid).toEqual(expect.any(String));
    expect(resources.map((r: { _rid: string }) => r._rid)).not.toContain(fresh?._rid);
  });

  it('keeps container and database deletes across a restart', async () => {
    let server = await start();
    const cosmos = client(server);
    const { database } = await cosmos.databases.createIfNotExists({ id: 'a' });
    await database.containers.createIfNotExists({ id: 'gone', partitionKey: '/id' });
    const { container } = await database.containers.createIfNotExists({ id: 'kept', partitionKey: '/id' });
    await container.items.create({ id: 'x' });
    await database.container('gone').delete();
    await cosmos.databases.createIfNotExists({ id: 'b' });
    await cosmos.database('b').delete();
    server = await restart(server);
    const { resources: dbs } = await client(server).databases.readAll().fetchAll();
    expect(dbs.map((d) => d.id)).toEqual(['a']);
    const { resources: colls } = await client(server).database('a').containers.readAll().fetchAll();
    expect(colls.map((c) => c.id)).toEqual(['kept']);
    const { resource } = await client(server).database('a').container('kept').item('x', 'x').read();
    expect(resource?.id).toBe('x');
  });

  it('keeps user-defined functions across a restart, callable from queries', async () => {
    let server = await start();
    const { database } = await client(server).databases.createIfNotExists({ id: 'shop' });
    const { container } = await database.containers.createIfNotExists({ id: 'orders', partitionKey: '/id' });
    await container.scripts.userDefinedFunctions.create({
      id: 'double',
      body: 'function (n) { return n * 2; }',
    });
    await container.items.create({ id: 'o1', n: 21 });
    server = await restart(server);
    const { resources } = await client(server)
      .database('shop')
      .container('orders')
      .items.query('SELECT VALUE udf.double(c.n) FROM c')
      .fetchAll();
    expect(resources).toEqual([42]);
  });

  it('restores the same state after a crash between writing the snapshot and truncating the journal', async () => {
    let server = await start();
    const { database } = await client(server).databases.createIfNotExists({ id: 'shop' });
    const { container } = await database.containers.createIfNotExists({ id: 'orders', partitionKey: '/id' });
    await container.items.create({ id: 'o1', n: 1 });
    await container.items.upsert({ id: 'o1', n: 2 });
    const journal = await fs.readFile(path.join(dir, JOURNAL_FILE), 'utf8');
    server.compact();
    // Put the already-folded lines back, as if the truncate never happened, then add one more write.
    await fs.writeFile(path.join(dir, JOURNAL_FILE), journal);
    server = await restart(server);
    const c2 = client(server).database('shop').container('orders');
    expect((await c2.item('o1', 'o1').read()).resource?.n).toBe(2);
    await c2.items.create({ id: 'o2' });
    server = await restart(server);
    const { resources } = await client(server)
      .database('shop')
      .container('orders')
      .items.readAll()
      .fetchAll();
    expect(resources.map((r) => r.id).sort()).toEqual(['o1', 'o2']);
  });

  it('replays a journal whose last line was torn by a crash, and warns', async () => {
    let server = await start();
    const { database } = await client(server).databases.createIfNotExists({ id: 'shop' });
    const { container } = await database.containers.createIfNotExists({ id: 'orders', partitionKey: '/id' });
    await container.items.create({ id: 'kept' });
    open.splice(open.indexOf(server), 1);
    await server.close();
    await fs.appendFile(path.join(dir, JOURNAL_FILE), '{"op":"set","in":"docs","coll":"x","da');
    const warnings: string[] = [];
    server = await start({ log: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/cut short by a crash/);
    const c2 = client(server).database('shop').container('orders');
    expect((await c2.item('kept', 'kept').read()).resource?.id).toBe('kept');
    await c2.items.create({ id: 'after' });
    server = await restart(server);
    const { resources } = await client(server)
      .database('shop')
      .container('orders')
      .items.readAll()
      .fetchAll();
    expect(resources.map((r) => r.id).sort()).toEqual(['after', 'kept']);
  });

  it('compacts the journal into a snapshot past the threshold and restores from both', async () => {
    let server = await start({ compactBytes: 4096 });
    const { database } = await client(server).databases.createIfNotExists({ id: 'shop' });
    const { container } = await database.containers.createIfNotExists({ id: 'orders', partitionKey: '/id' });
    for (let i = 0; i < 30; i += 1) await container.items.create({ id: `o${i}`, pad: 'x'.repeat(200) });
    const journalSize = (await fs.stat(path.join(dir, JOURNAL_FILE))).size;
    expect(journalSize).toBeLessThan(4096 + 1024);
    await expect(fs.stat(path.join(dir, SNAPSHOT_FILE))).resolves.toBeTruthy();
    await container.item('o0', 'o0').delete();
    server = await restart(server);
    const { resources } = await client(server)
      .database('shop')
      .container('orders')
      .items.readAll()
      .fetchAll();
    expect(resources).toHaveLength(29);
    expect(resources.some((r) => r.id === 'o0')).toBe(false);
  });
});
