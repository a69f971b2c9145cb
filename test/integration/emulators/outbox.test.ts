import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CosmosClient, type Container } from '@azure/cosmos';
import { stopTestEmulators, testCosmos, type TestCosmos } from '../../../devhost/src/emulators/testing';
import { createOutboxHandler } from '../../../devhost/src/emulators/outbox/outboxHandler';
import { watchOutbox, type OutboxTarget } from '../../../devhost/src/emulators/outbox/outboxWatcher';
import type { OutboxDocument } from '../../../devhost/src/emulators/outbox/format';

describe('the outbox viewer', () => {
  let cosmos: TestCosmos;
  let container: Container;
  let target: OutboxTarget;

  beforeAll(async () => {
    cosmos = await testCosmos();
  });
  afterAll(stopTestEmulators);

  beforeEach(async () => {
    const database = `outbox-${Math.random().toString(36).slice(2)}`;
    target = { endpoint: cosmos.endpoint, key: cosmos.key, database, container: 'outbox' };
    const client = new CosmosClient(cosmos.clientOptions);
    const { database: db } = await client.databases.createIfNotExists({ id: database });
    ({ container } = await db.containers.createIfNotExists({ id: 'outbox', partitionKey: '/requestId' }));
  });

  it('reports each document once, when it is written, and not the ones from before it started', async () => {
    await container.items.create({ id: 'old', requestId: 'r0', type: 'confirmation' });
    const shown: OutboxDocument[] = [];
    const watcher = watchOutbox({ ...target, intervalMs: 0, onDocument: (doc) => shown.push(doc) });
    await watcher.poll();
    await container.items.create({
      id: 'n1',
      requestId: 'r1',
      type: 'approvalRequested',
      approveUrl: 'http://127.0.0.1:7071/api/approvals/r1/approve?code=abc',
    });
    await container.items.create({ id: 'n2', requestId: 'r2', type: 'confirmation' });
    expect((await watcher.poll()).map((d) => d.id)).toEqual(['n1', 'n2']);
    expect(await watcher.poll()).toEqual([]);
    expect(shown.map((d) => d.id)).toEqual(['n1', 'n2']);
    watcher.stop();
  });

  it('waits quietly for a container that does not exist yet', async () => {
    const lines: string[] = [];
    const watcher = watchOutbox({
      ...target,
      container: 'not-yet',
      intervalMs: 0,
      onDocument: () => undefined,
      log: (l) => lines.push(l),
    });
    await expect(watcher.poll()).resolves.toEqual([]);
    await watcher.poll();
    expect(lines).toEqual([`outbox: waiting for ${target.database}/not-yet to exist`]);
    watcher.stop();
  });

  it('lists documents written by a Cosmos client at GET /_devhost/outbox, with their links', async () => {
    await container.items.create({
      id: 'n1',
      requestId: 'r1',
      type: 'approvalRequested',
      approveUrl: 'http://127.0.0.1:7071/api/approvals/r1/approve?code=abc',
    });
    const handler = createOutboxHandler(target);
    const server = http.createServer((req, res) => {
      void handler.handle(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${base}/_devhost/outbox`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { count: number; documents: { id: string; links: string[] }[] };
      expect(body.count).toBe(1);
      expect(body.documents[0]).toMatchObject({
        id: 'n1',
        links: ['http://127.0.0.1:7071/api/approvals/r1/approve?code=abc'],
      });
      const html = await fetch(`${base}/_devhost/outbox`, { headers: { accept: 'text/html' } });
      expect(await html.text()).toContain('href="http://127.0.0.1:7071/api/approvals/r1/approve?code=abc"');
      const bad = await fetch(`${base}/_devhost/outbox?limit=0`);
      expect(bad.status).toBe(400);
      expect(bad.headers.get('x-devhost-error')).toBe('BAD_REQUEST');
      const badBody = (await bad.json()) as { error: { code: string; message: string } };
      expect(badBody.error.code).toBe('BAD_REQUEST');
      expect(badBody.error.message).toContain("'limit'");
      const post = await fetch(`${base}/_devhost/outbox`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET');
      expect(await post.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
      expect((await fetch(`${base}/elsewhere`)).status).toBe(418);
    } finally {
      server.close();
      handler.close();
    }
  });
});
