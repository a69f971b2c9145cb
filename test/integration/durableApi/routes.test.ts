import { call, startApiHarness, untilTimerPending, type ApiHarness } from './harness';
import { DurableOperationError } from '../../../devhost/src/durable/client/operations';

const CHECK_STATUS_KEYS = [
  'id',
  'statusQueryGetUri',
  'sendEventPostUri',
  'terminatePostUri',
  'purgeHistoryDeleteUri',
  'restartPostUri',
  'suspendPostUri',
  'resumePostUri',
];
const GENERIC_400 = 'One or more of the arguments submitted is incorrect';
const GENERIC_500 = 'Something went wrong while processing your request';

describe.each(['rpc', 'public'] as const)('the Durable HTTP API on the %s base', (mount) => {
  let h: ApiHarness;
  let base: string;
  let n = 0;
  const uid = (prefix: string): string => `${prefix}${++n}${mount}`;

  beforeAll(async () => {
    h = await startApiHarness();
    base = mount === 'rpc' ? h.rpcBase : h.publicBase;
  });
  afterAll(() => h.close());

  describe('orchestrators/{name}[/{id}]', () => {
    it('starts with a JSON body and answers 202 with the check-status payload, Location and Retry-After 10', async () => {
      const id = uid('start');
      const res = await call('POST', `${base}orchestrators/hello/${id}`, {
        body: '{ "a": 1 }',
        contentType: 'application/json',
      });
      expect(res.status).toBe(202);
      const body = res.json() as Record<string, string>;
      expect(Object.keys(body)).toEqual(CHECK_STATUS_KEYS);
      expect(body.id).toBe(id);
      expect(body.statusQueryGetUri).toBe(
        `${h.origin}/runtime/webhooks/durabletask/instances/${id}?taskHub=TestHubName&connection=Storage`,
      );
      expect(body.sendEventPostUri).toContain(`/instances/${id}/raiseEvent/{eventName}?taskHub=`);
      expect(res.headers.get('location')).toBe(body.statusQueryGetUri);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(h.fake.callsOf('startNew').at(-1)).toEqual([
        { orchestratorName: 'hello', instanceId: id, input: '{"a":1}' },
      ]);
    });

    it('gives a new instance an id when the path names none', async () => {
      h.fake.nextInstanceIds.push(uid('gen'));
      const res = await call('POST', `${base}orchestrators/hello`, { body: '[1,2]' });
      expect(res.status).toBe(202);
      expect((res.json() as { id: string }).id).toBe(
        h.fake.instances.get((res.json() as { id: string }).id)?.instanceId,
      );
      expect(h.fake.callsOf('startNew').at(-1)).toEqual([{ orchestratorName: 'hello', input: '[1,2]' }]);
    });

    it.each([
      ['an empty body', null, ''],
      ['the two-byte body "" the SDK sends without input', '""', '""'],
      ['a JSON null', null, 'null'],
      ['whitespace only', null, '  '],
    ])('reads %s as input %p', async (_what, input, body) => {
      const id = uid('input');
      const res = await call('POST', `${base}orchestrators/hello/${id}`, {
        body,
        contentType: 'application/json',
      });
      expect(res.status).toBe(202);
      expect(h.fake.callsOf('startNew').at(-1)).toEqual([
        { orchestratorName: 'hello', instanceId: id, input },
      ]);
    });

    it('passes the version query parameter on', async () => {
      const id = uid('version');
      await call('POST', `${base}orchestrators/hello/${id}?version=2.0`, { body: '1' });
      expect(h.fake.callsOf('startNew').at(-1)).toEqual([
        { orchestratorName: 'hello', instanceId: id, input: '1', version: '2.0' },
      ]);
    });

    it('refuses invalid JSON with 400 "Invalid JSON content" and starts nothing', async () => {
      const before = h.fake.callsOf('startNew').length;
      const res = await call('POST', `${base}orchestrators/hello/${uid('bad')}`, { body: '{nope' });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        Message: 'Invalid JSON content',
        ExceptionType: 'Newtonsoft.Json.JsonReaderException',
      });
      expect(h.fake.callsOf('startNew')).toHaveLength(before);
    });

    it('answers an unknown orchestrator with the generic 400 and the reason', async () => {
      const res = await call('POST', `${base}orchestrators/nope`, { body: '1' });
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({
        Message: GENERIC_400,
        ExceptionMessage: expect.stringContaining("The function 'nope' doesn't exist") as unknown,
        ExceptionType: 'System.ArgumentException',
      });
    });

    it('answers a bad instance id with 400', async () => {
      const res = await call('POST', `${base}orchestrators/hello/%40bad`, { body: '1' });
      expect(res.status).toBe(400);
      expect((res.json() as { Message: string }).Message).toBe(GENERIC_400);
    });

    it('answers a start over a running instance with 500', async () => {
      const id = uid('dup');
      h.fake.addInstance(id, 'Running');
      const res = await call('POST', `${base}orchestrators/hello/${id}`, { body: '1' });
      expect(res.status).toBe(500);
      expect(res.json()).toMatchObject({
        Message: GENERIC_500,
        ExceptionType: 'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
      });
    });

    it('answers other verbs with an empty 404', async () => {
      const res = await call('GET', `${base}orchestrators/hello`);
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
    });

    it('waits with timeout and pollingInterval on the clock and answers 200 with the output once completed', async () => {
      const id = uid('wait');
      const pending = call('POST', `${base}orchestrators/hello/${id}?timeout=30&pollingInterval=2`, {
        body: '1',
      });
      await untilTimerPending(h.clock);
      h.fake.setStatus(id, 'Completed', { done: true });
      await h.clock.advance(2000);
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ done: true });
    });

    it('answers the check-status 202 when the wait times out', async () => {
      const id = uid('timeout');
      const pending = call('POST', `${base}orchestrators/hello/${id}?TIMEOUT=3&pollingInterval=2`, {
        body: '1',
      });
      await untilTimerPending(h.clock);
      await h.clock.advance(2000);
      await untilTimerPending(h.clock);
      await h.clock.advance(1000);
      const res = await pending;
      expect(res.status).toBe(202);
      expect((res.json() as { id: string }).id).toBe(id);
      expect(res.headers.get('retry-after')).toBe('10');
    });

    it('answers a failed instance after waiting with 200 and its status', async () => {
      const id = uid('waitfail');
      const pending = call('POST', `${base}orchestrators/hello/${id}?timeout=10&pollingInterval=1`, {
        body: '1',
      });
      await untilTimerPending(h.clock);
      h.fake.setStatus(id, 'Failed', 'boom');
      await h.clock.advance(1000);
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ instanceId: id, runtimeStatus: 'Failed', output: 'boom' });
    });

    it('refuses a polling interval longer than the timeout before starting anything', async () => {
      const before = h.fake.callsOf('startNew').length;
      const res = await call('POST', `${base}orchestrators/hello?timeout=1&pollingInterval=5`, { body: '1' });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({
        Message: GENERIC_400,
        ExceptionMessage: 'Total timeout 1 should be bigger than retry timeout 5',
      });
      expect(h.fake.callsOf('startNew')).toHaveLength(before);
    });
  });

  describe('instances/{id}', () => {
    it('answers an unknown instance with an empty 404', async () => {
      const res = await call('GET', `${base}instances/${uid('none')}`);
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
    });

    it('answers a running instance with 202, Location = the request URL and Retry-After 5', async () => {
      const id = uid('running');
      h.fake.addInstance(id, 'Running', { input: { x: 1 }, customStatus: 'half' });
      const url = `${base}instances/${id}?showInput=true`;
      const res = await call('GET', url);
      expect(res.status).toBe(202);
      expect(res.headers.get('location')).toBe(url);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.text).toBe(
        JSON.stringify({
          name: 'anOrchestrator',
          instanceId: id,
          runtimeStatus: 'Running',
          input: { x: 1 },
          customStatus: 'half',
          output: null,
          createdTime: '2024-01-01T00:00:00Z',
          lastUpdatedTime: '2024-01-01T00:00:00Z',
        }),
      );
    });

    it.each([
      ['Completed', '', 200],
      ['Terminated', '', 200],
      ['Canceled', '', 200],
      ['Failed', '', 200],
      ['Failed', '?returnInternalServerErrorOnFailure=true', 500],
      ['Pending', '', 202],
      ['Suspended', '', 202],
      ['ContinuedAsNew', '', 202],
    ] as const)('answers %s%s with %d', async (status, query, code) => {
      const id = uid('status');
      h.fake.addInstance(id, status);
      const res = await call('GET', `${base}instances/${id}${query}`);
      expect(res.status).toBe(code);
      expect((res.json() as { runtimeStatus: string }).runtimeStatus).toBe(status);
      if (code !== 202) expect(res.headers.get('location')).toBeNull();
    });

    it('reads show* options case-insensitively and passes them on', async () => {
      const id = uid('history');
      h.fake.addInstance(id, 'Completed', { input: 5 });
      const res = await call(
        'GET',
        `${base}instances/${id}?SHOWHISTORY=True&showhistoryoutput=true&ShowInput=false`,
      );
      expect(h.fake.callsOf('getStatus').at(-1)).toEqual([
        id,
        { showHistory: true, showHistoryOutput: true, showInput: false },
      ]);
      expect(res.json()).toMatchObject({ input: null, historyEvents: [{ EventType: 'ExecutionStarted' }] });
    });

    it('purges one instance with 200 {instancesDeleted: 1}, and answers 404 when there is none', async () => {
      const id = uid('purge');
      h.fake.addInstance(id, 'Completed');
      const res = await call('DELETE', `${base}instances/${id}`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ instancesDeleted: 1 });
      const again = await call('DELETE', `${base}instances/${id}`);
      expect(again.status).toBe(404);
      expect(again.text).toBe('');
    });

    it('answers other verbs with 404', async () => {
      expect((await call('PUT', `${base}instances/x`)).status).toBe(404);
      expect((await call('POST', `${base}instances/x`)).status).toBe(404);
    });
  });

  describe('instances/ (list and purge by filter)', () => {
    it('lists with filters read from the query, repeated and comma-separated runtimeStatus included', async () => {
      const res = await call(
        'GET',
        `${base}instances/?createdTimeFrom=2024-01-01T00:00:00.000Z&createdTimeTo=2024-02-01` +
          `&runtimeStatus=Running,Pending&RUNTIMESTATUS=Failed,bogus&instanceIdPrefix=zz&showInput=false&top=7`,
      );
      expect(res.status).toBe(200);
      expect(res.json()).toEqual([]);
      expect(res.headers.get('x-ms-continuation-token')).toBeNull();
      expect(h.fake.callsOf('listInstances').at(-1)).toEqual([
        {
          instanceIdPrefix: 'zz',
          createdTimeFrom: new Date('2024-01-01T00:00:00.000Z'),
          createdTimeTo: new Date('2024-02-01T00:00:00.000Z'),
          runtimeStatus: ['Running', 'Pending', 'Failed'],
          showInput: false,
          top: 7,
        },
      ]);
    });

    it('pages with x-ms-continuation-token and omits the header on the last page', async () => {
      const prefix = uid('page');
      for (const i of [1, 2, 3]) h.fake.addInstance(`${prefix}-${i}`, 'Running');
      const first = await call('GET', `${base}instances?instanceIdPrefix=${prefix}&top=2`);
      expect((first.json() as unknown[]).length).toBe(2);
      const token = first.headers.get('x-ms-continuation-token');
      expect(token).toBe('2');
      const second = await call('GET', `${base}instances?instanceIdPrefix=${prefix}&top=2`, {
        headers: { 'x-ms-continuation-token': token! },
      });
      expect((second.json() as { instanceId: string }[]).map((s) => s.instanceId)).toEqual([`${prefix}-3`]);
      expect(second.headers.get('x-ms-continuation-token')).toBeNull();
    });

    it('requires createdTimeFrom to purge by filter, answering 400 with a JSON string', async () => {
      const res = await call('DELETE', `${base}instances/`);
      expect(res.status).toBe(400);
      expect(res.json()).toBe("Please provide value for 'createdTimeFrom' parameter.");
    });

    it('purges by filter with 200 and the count, and 404 when nothing matched', async () => {
      const id = uid('purgeby');
      h.fake.addInstance(id, 'Completed', { createdTime: '2030-05-05T00:00:00Z' });
      const res = await call(
        'DELETE',
        `${base}instances/?createdTimeFrom=2030-05-05T00:00:00Z&createdTimeTo=2030-05-06T00:00:00Z&runtimeStatus=Completed`,
      );
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ instancesDeleted: 1 });
      const none = await call('DELETE', `${base}instances/?createdTimeFrom=2031-01-01`);
      expect(none.status).toBe(404);
      // createdTimeTo defaults to the clock's now.
      expect(h.fake.callsOf('purgeBy').at(-1)).toEqual([
        { createdTimeFrom: new Date('2031-01-01T00:00:00Z'), createdTimeTo: new Date(h.clock.now()) },
      ]);
    });
  });

  describe('instances/{id}/raiseEvent/{event}', () => {
    it('answers 404 for an unknown instance and 410 for a finished one, before looking at the body', async () => {
      expect((await call('POST', `${base}instances/${uid('x')}/raiseEvent/e`, { body: 'junk' })).status).toBe(
        404,
      );
      const done = uid('done');
      h.fake.addInstance(done, 'Failed');
      expect((await call('POST', `${base}instances/${done}/raiseEvent/e`, { body: 'junk' })).status).toBe(
        410,
      );
    });

    it('accepts only application/json content, and only valid JSON', async () => {
      const id = uid('evt');
      h.fake.addInstance(id, 'Running');
      const text = await call('POST', `${base}instances/${id}/raiseEvent/e`, {
        body: '1',
        contentType: 'text/plain',
      });
      if (mount === 'rpc') {
        // The loopback listener takes JSON only: a text body is what a web page could send it.
        expect(text.status).toBe(415);
      } else {
        expect(text.status).toBe(400);
        expect(text.json()).toEqual({ Message: 'Only application/json request content is supported' });
      }
      const bad = await call('POST', `${base}instances/${id}/raiseEvent/e`, {
        body: '{',
        contentType: 'application/json',
      });
      expect(bad.status).toBe(400);
      expect((bad.json() as { Message: string }).Message).toBe('Invalid JSON content');
      const empty = await call('POST', `${base}instances/${id}/raiseEvent/e`, {
        contentType: 'application/json',
      });
      expect(empty.status).toBe(400);
    });

    it('raises the event with 202', async () => {
      const id = uid('evt');
      h.fake.addInstance(id, 'Suspended');
      const res = await call('POST', `${base}instances/${id}/RAISEEVENT/Approval`, {
        body: '{"ok": true}',
        contentType: 'application/json; charset=utf-8',
      });
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
      expect(h.fake.callsOf('raiseEvent').at(-1)).toEqual([id, 'Approval', '{"ok":true}']);
    });
  });

  describe.each(['terminate', 'suspend', 'resume'] as const)('instances/{id}/%s', (operation) => {
    it('answers 404, 410 and 202 and passes the reason on', async () => {
      expect((await call('POST', `${base}instances/${uid('x')}/${operation}`)).status).toBe(404);
      const done = uid('done');
      h.fake.addInstance(done, 'Completed');
      expect((await call('POST', `${base}instances/${done}/${operation}`)).status).toBe(410);
      const id = uid('live');
      h.fake.addInstance(id, operation === 'resume' ? 'Suspended' : 'Running');
      const res = await call('POST', `${base}instances/${id}/${operation}?reason=because%20reasons`);
      expect(res.status).toBe(202);
      expect(h.fake.callsOf(operation).at(-1)).toEqual([id, 'because reasons']);
    });

    it('answers GET with 404', async () => {
      expect((await call('GET', `${base}instances/x/${operation}`)).status).toBe(404);
    });
  });

  // EXT 2.13.7 (azure-functions-durable-extension v2.13.7) DurableClient.SuspendAsync / ResumeAsync
  // throw InvalidOperationException, which HttpApiHandler.HandleRequestAsync answers with 500.
  it.each([
    ['suspend', 'Suspended'],
    ['resume', 'Running'],
  ] as const)(
    'instances/{id}/%s of a %s instance answers 500 with the extension message',
    async (operation, status) => {
      const id = uid('state');
      h.fake.addInstance(id, status);
      const res = await call('POST', `${base}instances/${id}/${operation}`);
      expect(res.status).toBe(500);
      expect(res.json()).toEqual({
        Message: GENERIC_500,
        ExceptionMessage: `Cannot ${operation} the orchestration instance ${id} because instance is in the ${status} state.`,
        ExceptionType: 'System.InvalidOperationException',
      });
    },
  );

  describe('instances/{id}/rewind', () => {
    it('answers 404, 410, 202, and 500 for an instance that has not failed', async () => {
      expect((await call('POST', `${base}instances/${uid('x')}/rewind`)).status).toBe(404);
      const done = uid('done');
      h.fake.addInstance(done, 'Terminated');
      expect((await call('POST', `${base}instances/${done}/rewind`)).status).toBe(410);
      const failed = uid('failed');
      h.fake.addInstance(failed, 'Failed');
      expect((await call('POST', `${base}instances/${failed}/rewind?reason=retry`)).status).toBe(202);
      const running = uid('running');
      h.fake.addInstance(running, 'Running');
      const res = await call('POST', `${base}instances/${running}/rewind`);
      expect(res.status).toBe(500);
      expect(res.json()).toEqual({
        Message: GENERIC_500,
        ExceptionMessage: 'The rewind operation is only supported on failed orchestration instances.',
        ExceptionType: 'System.InvalidOperationException',
      });
    });
  });

  describe('instances/{id}/restart', () => {
    it('restarts under a new id by default and answers the check-status 202 for it', async () => {
      const id = uid('old');
      const fresh = uid('new');
      h.fake.addInstance(id, 'Completed');
      h.fake.nextInstanceIds.push(fresh);
      const res = await call('POST', `${base}instances/${id}/restart`);
      expect(res.status).toBe(202);
      expect((res.json() as { id: string }).id).toBe(fresh);
      expect(h.fake.callsOf('restart').at(-1)).toEqual([id, true]);
    });

    it('keeps the id with restartWithNewInstanceId=false', async () => {
      const id = uid('same');
      h.fake.addInstance(id, 'Failed');
      const res = await call('POST', `${base}instances/${id}/restart?restartWithNewInstanceId=false`);
      expect((res.json() as { id: string }).id).toBe(id);
      expect(h.fake.callsOf('restart').at(-1)).toEqual([id, false]);
    });

    it('waits for the restarted instance with timeout and pollingInterval', async () => {
      const id = uid('rewait');
      h.fake.addInstance(id, 'Completed');
      const pending = call(
        'POST',
        `${base}instances/${id}/restart?restartWithNewInstanceId=false&timeout=5&pollingInterval=1`,
      );
      await untilTimerPending(h.clock);
      h.fake.setStatus(id, 'Completed', 'again');
      await h.clock.advance(1000);
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.json()).toBe('again');
    });

    it('answers an unknown instance with 400', async () => {
      const res = await call('POST', `${base}instances/${uid('ghost')}/restart`);
      expect(res.status).toBe(400);
      expect((res.json() as { Message: string }).Message).toBe(
        'InstanceId does not match a valid orchestration instance.',
      );
    });
  });

  describe('entities', () => {
    it('reads one entity state with 200, the empty key as $, and 404 when absent', async () => {
      h.fake.addEntity('counter', 'k1', { value: 3 });
      h.fake.addEntity('counter', '', 9);
      const res = await call('GET', `${base}entities/Counter/k1`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ value: 3 });
      expect(h.fake.callsOf('readEntityState').at(-1)).toEqual(['counter', 'k1']);
      expect((await call('GET', `${base}entities/counter/$`)).json()).toBe(9);
      const missing = await call('GET', `${base}entities/counter/nobody`);
      expect(missing.status).toBe(404);
      expect(missing.text).toBe('');
    });

    it('lists entities with fetchState, top, times and continuation', async () => {
      h.fake.addEntity('lister', 'a', 1);
      h.fake.addEntity('lister', 'b', 2);
      const first = await call(
        'GET',
        `${base}entities/Lister?fetchState=true&top=1&lastOperationTimeFrom=2024-01-01&lastOperationTimeTo=2024-01-02`,
      );
      expect(first.status).toBe(200);
      expect(first.json()).toEqual([
        {
          entityId: { name: 'lister', key: 'a' },
          lastOperationTime: '2024-01-01T00:00:00.0000000Z',
          state: 1,
        },
      ]);
      expect(h.fake.callsOf('listEntities').at(-1)).toEqual([
        {
          name: 'lister',
          fetchState: true,
          top: 1,
          lastOperationTimeFrom: new Date('2024-01-01T00:00:00Z'),
          lastOperationTimeTo: new Date('2024-01-02T00:00:00Z'),
        },
      ]);
      const token = first.headers.get('x-ms-continuation-token')!;
      const second = await call('GET', `${base}entities/lister?top=1`, {
        headers: { 'x-ms-continuation-token': token },
      });
      expect(second.json()).toEqual([
        {
          entityId: { name: 'lister', key: 'b' },
          lastOperationTime: '2024-01-01T00:00:00.0000000Z',
          state: null,
        },
      ]);
      expect(second.headers.get('x-ms-continuation-token')).toBeNull();
      expect((await call('GET', `${base}entities`)).status).toBe(200);
    });

    it('signals with the op query: JSON bodies parsed, other content as a string, no body as no input', async () => {
      const json = await call('POST', `${base}entities/Counter/k1?op=add`, {
        body: '5',
        contentType: 'application/json',
      });
      expect(json.status).toBe(202);
      expect(h.fake.callsOf('signalEntity').at(-1)).toEqual(['counter', 'k1', 'add', '5']);
      const note = await call('POST', `${base}entities/counter/k1?op=note`, {
        body: 'hi there',
        contentType: 'text/plain',
      });
      if (mount === 'rpc') expect(note.status).toBe(415);
      else expect(h.fake.callsOf('signalEntity').at(-1)).toEqual(['counter', 'k1', 'note', '"hi there"']);
      await call('POST', `${base}entities/counter/k1`);
      expect(h.fake.callsOf('signalEntity').at(-1)).toEqual(['counter', 'k1', '', null]);
      await call('POST', `${base}entities/counter?op=x`);
      expect(h.fake.callsOf('signalEntity').at(-1)).toEqual(['counter', '', 'x', null]);
    });

    it('refuses bad JSON and a missing entity name with 400', async () => {
      const bad = await call('POST', `${base}entities/counter/k1?op=add`, {
        body: '{',
        contentType: 'application/json',
      });
      expect(bad.status).toBe(400);
      expect((bad.json() as { Message: string }).Message).toMatch(/^Could not parse JSON content: /);
      const nameless = await call('POST', `${base}entities/`);
      expect(nameless.status).toBe(400);
      expect((nameless.json() as { Message: string }).Message).toContain(
        'entity name must not be a null or empty string',
      );
    });

    it('answers an entity argument error from the engine with 400 and its message', async () => {
      h.fake.failNext(
        'signalEntity',
        new DurableOperationError('invalidEntityId', 'Entity keys must not contain /.'),
      );
      const res = await call('POST', `${base}entities/counter/a%2Fb?op=x`);
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ Message: 'Entity keys must not contain /.' });
    });

    it('signals delete for DELETE', async () => {
      const res = await call('DELETE', `${base}entities/counter/k1`);
      expect(res.status).toBe(202);
      expect(h.fake.callsOf('signalEntity').at(-1)).toEqual(['counter', 'k1', 'delete', null]);
    });
  });

  describe('everything else', () => {
    it('answers makeprimary with 200', async () => {
      expect((await call('POST', `${base}makeprimary`)).status).toBe(200);
    });

    it.each([
      ['GET', ''],
      ['GET', 'nothing/here'],
      ['POST', 'instances/x/explode'],
      ['POST', 'instances/x/raiseEvent'],
      ['GET', 'instances/x/raiseEvent/e'],
      ['GET', 'orchestrators/a/b/c'],
    ])('answers %s %s with an empty 404', async (method, path) => {
      const res = await call(method, `${base}${path}`);
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
    });

    it('accepts the host task hub in any case and ignores connection', async () => {
      const id = uid('hub');
      h.fake.addInstance(id, 'Completed');
      const res = await call('GET', `${base}instances/${id}?taskHub=testhubname&connection=Other`);
      expect(res.status).toBe(200);
    });

    it('refuses another task hub with 400 naming both hubs, and does nothing', async () => {
      const before = h.fake.calls.length;
      const res = await call('POST', `${base}orchestrators/hello?taskHub=OtherHub`, { body: '1' });
      expect(res.status).toBe(400);
      expect((res.json() as { Message: string }).Message).toContain("'OtherHub'");
      expect(h.fake.calls).toHaveLength(before);
    });

    it('answers an engine failure with the generic 500 and logs it', async () => {
      h.fake.failNext('listInstances', new Error('store is down'));
      const res = await call('GET', `${base}instances`);
      expect(res.status).toBe(500);
      expect(res.json()).toEqual({
        Message: GENERIC_500,
        ExceptionMessage: 'store is down',
        ExceptionType: 'Error',
      });
      expect(h.logs.at(-1)).toContain('store is down');
    });
  });
});
