import type * as df from 'durable-functions';
import {
  buildEntityTrigger,
  parseEntityReply,
  type EntityReply,
} from '../../../../../devhost/src/durable/entities/entityTrigger';

type EntityFn = (context: { df: df.DurableEntityContext<unknown> }) => unknown;

/* eslint-disable @typescript-eslint/no-require-imports */
const { Entity } = require('durable-functions/lib/src/entities/Entity') as {
  Entity: new (fn: EntityFn) => { listen(): (trigger: unknown, context: object) => Promise<unknown> };
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs one batch through the SDK's own entity code, the payload and reply crossing JSON as they do on the wire. */
async function runSdk(fn: EntityFn, trigger: unknown, batchSize: number): Promise<EntityReply> {
  const returned = await new Entity(fn).listen()(JSON.parse(JSON.stringify(trigger)), {});
  return parseEntityReply(JSON.parse(JSON.stringify(returned)), batchSize);
}

const counter: EntityFn = (context) => {
  const value = context.df.getState(() => 0) as number;
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(value + (context.df.getInput() as number));
      return;
    case 'get':
      context.df.return(value);
      return;
    case 'ping':
      context.df.signalEntity({ name: 'Other', key: 'z' }, 'pong', 0);
      return;
    case 'delete':
      context.df.destructOnExit();
      return;
    default:
      throw new Error('nope');
  }
};

describe('the entity trigger payload and reply', () => {
  it('builds the extension payload: lower-case self, state and inputs as JSON text, no request ids', () => {
    const trigger = buildEntityTrigger({ name: 'counter', key: 'K1' }, true, '5', [
      { op: 'add', input: '5', signal: true, id: 'a' },
      { op: 'get', id: 'b', parent: 'orch' },
    ]);
    expect(trigger).toEqual({
      self: { name: 'counter', key: 'K1' },
      exists: true,
      state: '5',
      batch: [
        { name: 'add', input: '5', isSignal: true },
        { name: 'get', input: null, isSignal: false },
      ],
    });
    expect(buildEntityTrigger({ name: 'c', key: '' }, false, undefined, []).state).toBeNull();
  });

  it('reads the SDK reply: one result per operation, errors as JSON text, the final state', async () => {
    const trigger = buildEntityTrigger({ name: 'counter', key: 'k' }, true, '1', [
      { op: 'add', input: '2', signal: true, id: 'a' },
      { op: 'boom', id: 'b', parent: 'orch' },
      { op: 'get', id: 'c', parent: 'orch' },
    ]);
    const reply = await runSdk(counter, trigger, 3);
    expect(reply.entityExists).toBe(true);
    expect(reply.entityState).toBe('3');
    expect(reply.results.map(({ isError, result }) => ({ isError, result }))).toEqual([
      { isError: false, result: undefined },
      { isError: true, result: '{}' },
      { isError: false, result: '3' },
    ]);
  });

  it('reads signals with their target as the app wrote it, and a falsy input as ""', async () => {
    const trigger = buildEntityTrigger({ name: 'counter', key: 'k' }, false, undefined, [
      { op: 'ping', signal: true, id: 'a' },
    ]);
    const reply = await runSdk(counter, trigger, 1);
    expect(reply.signals).toEqual([{ target: { name: 'Other', key: 'z' }, name: 'pong', input: '' }]);
  });

  it('reads destructOnExit as a deleted entity without state', async () => {
    const trigger = buildEntityTrigger({ name: 'counter', key: 'k' }, true, '4', [
      { op: 'delete', signal: true, id: 'a' },
    ]);
    const reply = await runSdk(counter, trigger, 1);
    expect(reply).toMatchObject({ entityExists: false, entityState: undefined });
  });

  it('refuses a reply with fewer results than operations, or that is not an object', () => {
    expect(() => parseEntityReply({ entityExists: true, results: [], signals: [] }, 1)).toThrow(
      /returned 0 result\(s\) for a batch of 1 operation\(s\)/,
    );
    expect(() => parseEntityReply('nope', 0)).toThrow(
      'Out of proc orchestrators must return a valid JSON schema.',
    );
    expect(() =>
      parseEntityReply({ results: [], signals: [{ target: { name: '', key: 'k' }, name: 'x' }] }, 0),
    ).toThrow(/signals\[0\]\.target/);
  });
});
