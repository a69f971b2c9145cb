import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startEntityHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

/**
 * `POST instances/{id}/restart`, which the JS DurableClient does not offer: the extension's
 * `RestartAsync` re-starts the orchestrator with the original input under a new id, or, with
 * `restartWithNewInstanceId=false`, under the same one.
 */
describe('restart webhook', () => {
  let host: TestHost;
  let api: string;
  beforeEach(async () => {
    host = await startEntityHost();
    api = `${host.baseUrl}/runtime/webhooks/durabletask`;
  });
  afterEach(async () => {
    await host.stop();
  });

  async function completedGreeting(): Promise<string> {
    const id = await host.start('Greeting', { input: 'ada', instanceId: uniqueId('greeting') });
    expect((await host.waitForStatus(id, 'Completed')).output).toBe('hello ada');
    return id;
  }

  it('restarts under a new instance id by default: 202 with the new instance’s check-status links', async () => {
    const id = await completedGreeting();
    const restarted = await fetch(`${api}/instances/${id}/restart`, { method: 'POST' });
    expect(restarted.status).toBe(202);
    const body = (await restarted.json()) as { id: string; statusQueryGetUri: string };
    expect(body.id).not.toBe(id);
    expect(body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(restarted.headers.get('location')).toBe(body.statusQueryGetUri);
    expect(body.statusQueryGetUri).toContain(`/runtime/webhooks/durabletask/instances/${body.id}`);
    const status = await host.waitForStatus(body.id, 'Completed');
    expect(status).toMatchObject({ name: 'Greeting', input: 'ada', output: 'hello ada' });
  });

  it('restarts under the same id with restartWithNewInstanceId=false, as a new execution', async () => {
    const id = await completedGreeting();
    const before = await host.engine.store.getInstance(id);
    const restarted = await fetch(`${api}/instances/${id}/restart?restartWithNewInstanceId=false`, {
      method: 'POST',
    });
    expect(restarted.status).toBe(202);
    expect(((await restarted.json()) as { id: string }).id).toBe(id);
    expect((await host.waitForStatus(id, 'Completed')).output).toBe('hello ada');
    expect((await host.engine.store.getInstance(id))?.executionId).not.toBe(before?.executionId);
  });

  it('answers 400 for an unknown instance, with the extension’s message', async () => {
    const missing = uniqueId('missing');
    const refused = await fetch(`${api}/instances/${missing}/restart`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      Message: 'InstanceId does not match a valid orchestration instance.',
      ExceptionMessage: `An orchestrastion with the instanceId ${missing} was not found.`,
      ExceptionType: 'System.ArgumentException',
    });
  });

  it('answers 500 when restarting a running instance under its own id, and restarts it under a new one', async () => {
    const id = await host.start('WaitsForApproval', { instanceId: uniqueId('running') });
    await host.waitForStatus(id, 'Running');
    const refused = await fetch(`${api}/instances/${id}/restart?restartWithNewInstanceId=false`, {
      method: 'POST',
    });
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({
      Message: 'Something went wrong while processing your request',
      ExceptionType: 'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
    });
    const copy = await fetch(`${api}/instances/${id}/restart`, { method: 'POST' });
    expect(copy.status).toBe(202);
    const copyId = ((await copy.json()) as { id: string }).id;
    expect((await host.waitForStatus(copyId, 'Running')).name).toBe('WaitsForApproval');
  });

  it('refuses to restart an entity, whose name is no orchestrator, with a 400 naming it', async () => {
    const key = uniqueId('entity');
    await host.client.signalEntity('Counter', key, 'add', '1');
    await host.runUntilIdle();
    const refused = await fetch(`${api}/instances/${encodeURIComponent(`@counter@${key}`)}/restart`, {
      method: 'POST',
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      Message: 'InstanceId does not match a valid orchestration instance.',
      ExceptionMessage: expect.stringContaining(
        `The function '@counter@${key}' doesn't exist, is disabled, or is not an orchestrator function.`,
      ) as unknown,
    });
  });
});

describe('makeprimary webhook', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startEntityHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('answers 200 with an empty body, as the extension does once its app lease is taken', async () => {
    const answer = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/makeprimary`, {
      method: 'POST',
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('');
  });
});
