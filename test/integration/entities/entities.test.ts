import * as df from 'durable-functions';
import { MessageSorter } from '../../../devhost/src/protocol/messageSorter';
import { serializeRequest, type RequestMessage } from '../../../devhost/src/protocol/entityMessages';
import { EventType, type EventSentEvent } from '../../../devhost/src/protocol/history';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { entityState, openGate } from './entityHost';
import { startEntityHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('durable entities', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startEntityHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  /** Puts a request on the entity's queue as a sender would (for redelivery and ordering). */
  async function deliver(entityId: string, name: string, request: RequestMessage | string): Promise<void> {
    await host.engine.store.sendMessage({
      message: {
        event: {
          EventType: EventType.EventRaised,
          EventId: -1,
          IsPlayed: false,
          Timestamp: new Date(host.clock.now()).toISOString(),
          Name: name,
          Input: typeof request === 'string' ? request : serializeRequest(request),
        },
        orchestrationInstance: { InstanceId: entityId, ExecutionId: null },
      },
    });
  }

  it('ends at exactly 50 when 50 orchestrations signal a counter concurrently', async () => {
    const key = uniqueId('fifty');
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        host.start('IncrementCounter', { input: key, instanceId: `${key}-${i}` }),
      ),
    );
    for (const id of ids) expect((await host.waitForStatus(id, 'Completed')).output).toBe('signalled');
    await host.runUntilIdle();
    expect(await entityState(host, 'Counter', key)).toBe(50);
    const read = await host.durableClient.readEntityState<number>(new df.EntityId('Counter', key));
    expect(read).toMatchObject({ entityExists: true, entityState: 50 });
  });

  it('returns callEntity results and hands an operation error to the orchestrator, keeping the state', async () => {
    const key = uniqueId('call');
    const id = await host.start('CallCounter', { input: key });
    const status = await host.waitForStatus(id, 'Completed');
    // The SDK turns the reply's `JSON.stringify(error)` ("{}" for an Error) into Error({}).
    expect(status.output).toEqual({
      afterAdd: 5,
      failure: { name: 'Error', message: '[object Object]' },
      afterFailure: 5,
    });
    expect(await entityState(host, 'Counter', key)).toBe(5);
    const responses = (await host.history(id)).filter((e) => e.EventType === EventType.EventRaised);
    expect(
      responses.map((e) =>
        e.EventType === EventType.EventRaised ? (JSON.parse(e.Input ?? '') as unknown) : null,
      ),
    ).toEqual([{}, { result: '5' }, { result: '{}', exceptionType: 'Error' }, { result: '5' }]);
  });

  it('keeps the state changes of an operation that then failed, as out-of-process batches are not rolled back', async () => {
    const key = uniqueId('no-rollback');
    const id = await host.start('AddThenFail', { input: key });
    expect((await host.waitForStatus(id, 'Completed')).output).toEqual({ failed: true, after: 7 });
  });

  it('runs a signal that arrives while a batch runs in the next batch, together with the others that arrived', async () => {
    const key = uniqueId('recorder');
    const gate = await openGate();
    try {
      await host.client.signalEntity('Recorder', key, 'wait', JSON.stringify(gate.url));
      await gate.requested;
      for (const n of [1, 2, 3]) await host.client.signalEntity('Recorder', key, 'note', String(n));
      gate.release();
      await host.runUntilIdle();
    } finally {
      await gate.close();
    }
    const log = (await entityState(host, 'Recorder', key)) as { op: string; input: unknown; batch: string }[];
    expect(log.map((entry) => [entry.op, entry.input])).toEqual([
      ['wait', gate.url],
      ['note', 1],
      ['note', 2],
      ['note', 3],
    ]);
    const [first, ...next] = log.map((entry) => entry.batch);
    expect(next.every((batch) => batch !== first)).toBe(true);
    expect(new Set(next).size).toBe(1);
  });

  it('drops a redelivered copy of an orchestration’s signal', async () => {
    const key = uniqueId('dedupe');
    const id = await host.start('IncrementCounter', { input: key });
    await host.waitForStatus(id, 'Completed');
    await host.runUntilIdle();
    const sent = (await host.history(id)).find(
      (e): e is EventSentEvent => e.EventType === EventType.EventSent,
    );
    expect(sent).toMatchObject({ InstanceId: `@counter@${key}`, Name: 'op' });
    await deliver(`@counter@${key}`, 'op', sent?.Input ?? '');
    await host.runUntilIdle();
    expect(await entityState(host, 'Counter', key)).toBe(1);
  });

  it('runs one sender’s requests in send order even when the queue delivers them out of order', async () => {
    const key = uniqueId('order');
    const sender = new MessageSorter();
    const requests = ['first', 'second'].map((input, i): RequestMessage => {
      const request: RequestMessage = {
        op: 'note',
        signal: true,
        input: JSON.stringify(input),
        id: `00000000-0000-0000-0000-00000000000${i}`,
        parent: 'some-orchestration',
        parentExecution: 'e1',
      };
      sender.labelOutgoing(request, `@recorder@${key}`, host.clock.now(), 30 * 60_000);
      return request;
    });
    await deliver(`@recorder@${key}`, 'op', requests[1]!);
    await host.runUntilIdle();
    expect(await entityState(host, 'Recorder', key)).toBeUndefined();
    await deliver(`@recorder@${key}`, 'op', requests[0]!);
    await host.runUntilIdle();
    const log = (await entityState(host, 'Recorder', key)) as { input: string }[];
    expect(log.map((entry) => entry.input)).toEqual(['first', 'second']);
  });

  it('delivers signals an entity sends to the lower-cased entity id', async () => {
    const key = uniqueId('relay');
    await host.client.signalEntity(
      'Relay',
      key,
      'forward',
      JSON.stringify({ name: 'Counter', key, op: 'add', input: 4 }),
    );
    await host.runUntilIdle();
    expect(await entityState(host, 'Counter', key)).toBe(4);
    expect(await host.engine.store.getInstance(`@Counter@${key}`)).toBeUndefined();
  });

  it('runs a scheduled signal when its time comes, not before', async () => {
    const key = uniqueId('scheduled');
    const due = host.clock.now() + 60 * 60_000;
    await deliver(`@counter@${key}`, `op@${new Date(due).toISOString()}`, {
      op: 'add',
      signal: true,
      input: '3',
      id: '00000000-0000-0000-0000-0000000000aa',
    });
    await host.runUntilIdle();
    expect(await entityState(host, 'Counter', key)).toBeUndefined();
    await host.clock.advance('59m');
    expect(await entityState(host, 'Counter', key)).toBeUndefined();
    await host.clock.advance('1m');
    expect(await entityState(host, 'Counter', key)).toBe(3);
  });

  it('deletes an entity with destructOnExit: it reads as missing and leaves the list', async () => {
    const key = uniqueId('delete');
    await host.client.signalEntity('Counter', key, 'add', '2');
    await host.runUntilIdle();
    expect((await host.client.listEntities({ name: 'counter' })).items.map((e) => e.key)).toContain(key);
    await host.client.signalEntity('Counter', key, 'delete', null);
    await host.runUntilIdle();
    expect(await host.client.readEntityState('Counter', key)).toEqual({ exists: false, state: null });
    expect((await host.client.listEntities({ name: 'counter' })).items.map((e) => e.key)).not.toContain(key);
    const row = await host.engine.store.getInstance(`@counter@${key}`);
    expect(row && JSON.parse(row.customStatus ?? '')).toEqual({});
  });

  it('persists the scheduler state as the entity instance input with the entity status as custom status', async () => {
    const key = uniqueId('row');
    await host.client.signalEntity('Counter', key, 'add', '6');
    await host.runUntilIdle();
    const row = await host.engine.store.getInstance(`@counter@${key}`);
    expect(row).toMatchObject({
      name: `@counter@${key}`,
      runtimeStatus: 'Running',
      customStatus: '{"entityExists":true}',
    });
    expect(JSON.parse(row?.input ?? '')).toMatchObject({ exists: true, state: '6' });
    // The status API shows that row as the Azure Storage provider does (no ExcludeEntities).
    expect(await host.client.getStatus(`@counter@${key}`)).toMatchObject({
      name: `@counter@${key}`,
      runtimeStatus: 'Running',
      input: { exists: true, state: '6' },
      customStatus: { entityExists: true },
    });
  });

  it('retries a batch whose reply breaks the protocol, with backoff, without applying it', async () => {
    const key = uniqueId('broken');
    await host.client.signalEntity('Broken', key, 'op', null);
    await host.runUntilIdle();
    await host.clock.advance('2s');
    const errors = host.logs.filter((r) =>
      r.message.startsWith(`devhost failed while running the batch of entity '@broken@${key}'`),
    );
    expect(errors.map((r) => /\(attempt (\d+)\); retrying in (\d+) ms/.exec(r.message)?.slice(1))).toEqual([
      ['1', '2000'],
      ['2', '4000'],
    ]);
    expect(errors[0]?.message).toContain('returned 0 result(s) for a batch of 1 operation(s)');
    expect(await host.engine.store.getInstance(`@broken@${key}`)).toBeUndefined();
  });

  it('drops a request message it cannot read, with a warning, and runs the rest', async () => {
    const key = uniqueId('malformed');
    await deliver(`@counter@${key}`, 'op', '{"op":"add","input":"1"}');
    await host.client.signalEntity('Counter', key, 'add', '2');
    await host.runUntilIdle();
    expect(await entityState(host, 'Counter', key)).toBe(2);
    expect(
      host.logs.some((r) =>
        r.message.includes("dropped a malformed message 'op': The entity request has no 'id'."),
      ),
    ).toBe(true);
  });

  it('refuses to signal an entity the app does not have, naming the known ones', async () => {
    await expect(host.client.signalEntity('Nope', 'k', 'add', null)).rejects.toMatchObject({
      code: 'invalidEntityId',
      message:
        "The function 'Nope' doesn't exist, is disabled, or is not an entity function. Additional info: " +
        "The following are the known entity functions: 'Counter', 'Recorder', 'Relay', 'Broken'.",
    });
  });

  it('signals and reads through the SDK client inside an HTTP function', async () => {
    const key = uniqueId('http');
    const post = await fetch(`${host.baseUrl}/api/counter/${key}`, { method: 'POST', body: '3' });
    expect(post.status).toBe(202);
    await host.runUntilIdle();
    const get = await fetch(`${host.baseUrl}/api/counter/${key}`);
    expect(await get.json()).toEqual({ exists: true, state: 3 });
    const missing = await fetch(`${host.baseUrl}/api/counter/${uniqueId('never')}`);
    expect(await missing.json()).toEqual({ exists: false, state: null });
  });

  it('makes lock() fail in the orchestrator, as the pinned extension (schema V3) does', async () => {
    const caught = await host.start('TriesLock');
    expect((await host.waitForStatus(caught, 'Completed')).output).toMatch(
      /^lock requires a Durable Functions extension that supports OOProc schema V4 or higher/,
    );
    const uncaught = await host.start('LocksUncaught');
    const failed = await host.waitForStatus(uncaught, 'Failed');
    expect(failed.output).toContain(
      'lock requires a Durable Functions extension that supports OOProc schema V4',
    );
    expect(await host.client.readEntityState('Counter', 'locked')).toEqual({ exists: false, state: null });
  });
});

describe('durable entities with maxEntityOperationBatchSize', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startEntityHost({ settings: { maxEntityOperationBatchSize: 2 } });
  });
  afterEach(async () => {
    await host.stop();
  });

  it('splits a backlog into batches of at most that size, continuing until the queue is empty', async () => {
    const key = uniqueId('batch-size');
    const gate = await openGate();
    try {
      await host.client.signalEntity('Recorder', key, 'wait', JSON.stringify(gate.url));
      await gate.requested;
      for (const n of [1, 2, 3, 4, 5]) await host.client.signalEntity('Recorder', key, 'note', String(n));
      gate.release();
      await host.runUntilIdle();
    } finally {
      await gate.close();
    }
    const log = (await entityState(host, 'Recorder', key)) as { input: unknown; batch: string }[];
    expect(log.map((entry) => entry.input)).toEqual([gate.url, 1, 2, 3, 4, 5]);
    const sizes: number[] = [];
    log.forEach((entry, i) => {
      if (i > 0 && entry.batch === log[i - 1]?.batch) sizes[sizes.length - 1]! += 1;
      else sizes.push(1);
    });
    expect(sizes).toEqual([1, 2, 2, 1]);
  });
});
