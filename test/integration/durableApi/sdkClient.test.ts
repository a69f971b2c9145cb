import { HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { RegisteredFunction } from '../../../devhost/src/worker/types';
import { startApiHarness, call, type ApiHarness } from './harness';

/**
 * Drives the real SDK `DurableClient`, built by `df.getClient(context)` from the payload the input
 * provider produces, against the HTTP layer: every client operation must reach its route and
 * understand the answer.
 */
describe('the SDK DurableClient against the Durable HTTP API', () => {
  let h: ApiHarness;
  let client: df.DurableClient;
  const savedHostname = process.env.WEBSITE_HOSTNAME;

  beforeAll(async () => {
    h = await startApiHarness();
    // As devhost sets it for the app: the SDK then leaves the payload's URLs alone.
    process.env.WEBSITE_HOSTNAME = new URL(h.origin).host;
    client = await clientFor(h);
  });
  afterAll(async () => {
    if (savedHostname === undefined) delete process.env.WEBSITE_HOSTNAME;
    else process.env.WEBSITE_HOSTNAME = savedHostname;
    await h.close();
  });

  it('starts instances with input, an id, a version, and without input (arriving as "")', async () => {
    h.fake.nextInstanceIds.push('sdk-generated');
    await expect(client.startNew('hello', { input: { a: 1 } })).resolves.toBe('sdk-generated');
    await expect(client.startNew('hello', { instanceId: 'sdk-named', version: '1.0' })).resolves.toBe(
      'sdk-named',
    );
    expect(h.fake.callsOf('startNew').slice(-2)).toEqual([
      [{ orchestratorName: 'hello', input: '{"a":1}' }],
      [{ orchestratorName: 'hello', instanceId: 'sdk-named', input: '""', version: '1.0' }],
    ]);
    await expect(client.startNew('unknown')).rejects.toThrow(/unexpected status code: 400/);
  });

  it('reads a status, with history options, and reports an unknown instance', async () => {
    h.fake.addInstance('sdk-status', 'Running', { input: { q: 1 }, customStatus: { step: 2 } });
    const status = await client.getStatus('sdk-status', { showHistory: true, showHistoryOutput: true });
    expect(status.runtimeStatus).toBe(df.OrchestrationRuntimeStatus.Running);
    expect(status.input).toEqual({ q: 1 });
    expect(status.customStatus).toEqual({ step: 2 });
    expect(status.createdTime).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(h.fake.callsOf('getStatus').at(-1)).toEqual([
      'sdk-status',
      { showHistory: true, showHistoryOutput: true, showInput: true },
    ]);
    await expect(client.getStatus('sdk-nobody')).rejects.toThrow(/HTTP 404/);
  });

  it('lists every instance across pages, and by filter', async () => {
    for (let i = 0; i < 130; i++) h.fake.addInstance(`sdk-page-${i}`, 'Completed');
    const calls = h.fake.callsOf('listInstances').length;
    const all = await client.getStatusAll();
    expect(all).toHaveLength(h.fake.instances.size);
    expect(h.fake.callsOf('listInstances').slice(calls)).toEqual([[{}], [{ continuationToken: '100' }]]);
    const from = new Date('2024-01-01T00:00:00.000Z');
    await client.getStatusBy({
      createdTimeFrom: from,
      runtimeStatus: [df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending],
    });
    expect(h.fake.callsOf('listInstances').at(-1)).toEqual([
      { createdTimeFrom: from, runtimeStatus: ['Running', 'Pending'] },
    ]);
  });

  it('raises events, terminates, suspends and resumes', async () => {
    h.fake.addInstance('sdk-live', 'Running');
    await client.raiseEvent('sdk-live', 'Approval', { ok: true });
    await client.suspend('sdk-live', 'pause');
    await client.resume('sdk-live', 'go on');
    await client.terminate('sdk-live', 'because reasons');
    expect(h.fake.callsOf('raiseEvent').at(-1)).toEqual(['sdk-live', 'Approval', '{"ok":true}']);
    expect(h.fake.callsOf('suspend').at(-1)).toEqual(['sdk-live', 'pause']);
    expect(h.fake.callsOf('resume').at(-1)).toEqual(['sdk-live', 'go on']);
    expect(h.fake.callsOf('terminate').at(-1)).toEqual(['sdk-live', 'because reasons']);
    // Finished instances answer 410, which the SDK accepts silently.
    await expect(client.terminate('sdk-live', 'again')).resolves.toBeUndefined();
    await expect(client.raiseEvent('sdk-nobody', 'e', 1)).rejects.toThrow(
      "No instance with ID 'sdk-nobody' found.",
    );
  });

  it('refuses an event without data, as the extension does (the SDK sends an empty JSON body)', async () => {
    h.fake.addInstance('sdk-nodata', 'Running');
    await expect(client.raiseEvent('sdk-nodata', 'e', undefined)).rejects.toThrow(
      /status code: 400.*Invalid JSON content/,
    );
  });

  it('rewinds a failed instance and reports one that has not failed', async () => {
    h.fake.addInstance('sdk-failed', 'Failed');
    await client.rewind('sdk-failed', 'retry');
    expect(h.fake.callsOf('rewind').at(-1)).toEqual(['sdk-failed', 'retry']);
    h.fake.addInstance('sdk-running', 'Running');
    await expect(client.rewind('sdk-running', 'r')).rejects.toThrow(/500.*only supported on failed/);
  });

  it('purges one instance and by filter, 404 reading as zero deleted', async () => {
    h.fake.addInstance('sdk-purge', 'Completed');
    await expect(client.purgeInstanceHistory('sdk-purge')).resolves.toEqual({ instancesDeleted: 1 });
    await expect(client.purgeInstanceHistory('sdk-purge')).resolves.toEqual({ instancesDeleted: 0 });
    h.fake.addInstance('sdk-purge-old', 'Completed', { createdTime: '2001-01-01T00:00:00Z' });
    const result = await client.purgeInstanceHistoryBy({
      createdTimeFrom: new Date('2000-01-01T00:00:00Z'),
      createdTimeTo: new Date('2002-01-01T00:00:00Z'),
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed],
    });
    expect(result).toEqual({ instancesDeleted: 1 });
  });

  it('signals entities and reads their state', async () => {
    const counter = new df.EntityId('Counter', 'sdk');
    await client.signalEntity(counter, 'add', 5);
    await client.signalEntity(counter, 'reset');
    expect(h.fake.callsOf('signalEntity').slice(-2)).toEqual([
      ['counter', 'sdk', 'add', '5'],
      ['counter', 'sdk', 'reset', null],
    ]);
    h.fake.addEntity('counter', 'sdk', { value: 5 });
    await expect(client.readEntityState(counter)).resolves.toMatchObject({
      entityExists: true,
      entityState: { value: 5 },
    });
    await expect(client.readEntityState(new df.EntityId('Counter', 'none'))).resolves.toMatchObject({
      entityExists: false,
    });
  });

  it('builds check-status responses whose links work against the public API', async () => {
    h.fake.addInstance('sdk-links', 'Running');
    const request = new HttpRequest({ url: `${h.origin}/api/start`, method: 'POST' });
    const response = client.createCheckStatusResponse(request, 'sdk-links');
    expect(response.status).toBe(202);
    const links = (await response.json()) as Record<string, string>;
    expect(links.id).toBe('sdk-links');
    expect(Object.keys(links)).toEqual(
      expect.arrayContaining(['restartPostUri', 'suspendPostUri', 'resumePostUri', 'rewindPostUri']),
    );
    expect(response.headers.get('location')).toBe(links.statusQueryGetUri);
    expect((await call('GET', links.statusQueryGetUri!)).status).toBe(202);
    expect(
      (
        await call('POST', links.sendEventPostUri!.replace('{eventName}', 'e'), {
          body: '1',
          contentType: 'application/json',
        })
      ).status,
    ).toBe(202);
    expect((await call('POST', links.suspendPostUri!.replace('{text}', 'x'))).status).toBe(202);
    expect((await call('POST', links.resumePostUri!.replace('{text}', 'x'))).status).toBe(202);
    expect((await call('POST', links.terminatePostUri!.replace('{text}', 'x'))).status).toBe(202);
    expect((await call('POST', links.restartPostUri!)).status).toBe(202);
    expect((await call('DELETE', links.purgeHistoryDeleteUri!)).status).toBe(200);
  });

  it('waits for completion, or answers the check-status response', async () => {
    const request = new HttpRequest({ url: `${h.origin}/api/start`, method: 'POST' });
    h.fake.addInstance('sdk-done', 'Completed', { output: { total: 3 } });
    const done = await client.waitForCompletionOrCreateCheckStatusResponse(request, 'sdk-done', {
      timeoutInMilliseconds: 1,
      retryIntervalInMilliseconds: 1,
    });
    expect(done.status).toBe(200);
    await expect(done.json()).resolves.toEqual({ total: 3 });
    h.fake.addInstance('sdk-slow', 'Running');
    const slow = await client.waitForCompletionOrCreateCheckStatusResponse(request, 'sdk-slow', {
      timeoutInMilliseconds: 1,
      retryIntervalInMilliseconds: 1,
    });
    expect(slow.status).toBe(202);
  });
});

describe('the SDK DurableClient in legacy mode (no rpcBaseUrl), keys enforced', () => {
  let h: ApiHarness;
  let client: df.DurableClient;
  const savedHostname = process.env.WEBSITE_HOSTNAME;

  beforeAll(async () => {
    h = await startApiHarness({ keys: { systemKey: 'legacy-key', masterKey: 'master' } });
    process.env.WEBSITE_HOSTNAME = new URL(h.origin).host;
    client = await clientFor(h, { dropRpcBaseUrl: true });
  });
  afterAll(async () => {
    if (savedHostname === undefined) delete process.env.WEBSITE_HOSTNAME;
    else process.env.WEBSITE_HOSTNAME = savedHostname;
    await h.close();
  });

  it('drives every operation through the webhook templates and their code', async () => {
    await expect(client.startNew('hello', { instanceId: 'legacy-1', input: 2 })).resolves.toBe('legacy-1');
    await expect(client.getStatus('legacy-1')).resolves.toMatchObject({ runtimeStatus: 'Pending', input: 2 });
    await expect(client.getStatusAll()).resolves.toHaveLength(1);
    await client.raiseEvent('legacy-1', 'go', { n: 1 });
    await client.suspend('legacy-1', 'wait');
    await client.resume('legacy-1', 'go');
    await client.terminate('legacy-1', 'stop');
    await client.signalEntity(new df.EntityId('Counter', 'legacy'), 'add', 1);
    h.fake.addEntity('counter', 'legacy', 1);
    await expect(client.readEntityState(new df.EntityId('Counter', 'legacy'))).resolves.toMatchObject({
      entityState: 1,
    });
    await expect(client.purgeInstanceHistory('legacy-1')).resolves.toEqual({ instancesDeleted: 1 });
    expect(h.fake.callsOf('terminate').at(-1)).toEqual(['legacy-1', 'stop']);
    expect(h.fake.callsOf('signalEntity').at(-1)).toEqual(['counter', 'legacy', 'add', '1']);
  });
});

async function clientFor(
  h: ApiHarness,
  options: { dropRpcBaseUrl?: boolean } = {},
): Promise<df.DurableClient> {
  const clientInput = df.input.durableClient();
  const fn: RegisteredFunction = {
    name: 'starter',
    metadata: { name: 'starter', bindings: {} },
    triggerBindingName: 'httpTrigger1',
    trigger: { type: 'httpTrigger', direction: 'in' },
  };
  const data = await h.api.inputProvider({ ...clientInput, direction: 'in' }, fn, {
    functionName: 'starter',
    triggerData: {},
  });
  const context = new InvocationContext({
    functionName: 'starter',
    options: { trigger: { type: 'httpTrigger', name: 'httpTrigger1' }, extraInputs: [clientInput] },
  });
  // What @azure/functions does with a `string` binding value: JSON.parse it.
  const payload = JSON.parse(data!.string!) as Record<string, unknown>;
  if (options.dropRpcBaseUrl) delete payload.rpcBaseUrl;
  context.extraInputs.set(clientInput, payload);
  return df.getClient(context);
}
