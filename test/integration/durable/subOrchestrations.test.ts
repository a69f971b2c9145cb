import { EventType } from '../../../devhost/src/protocol/history';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('durable engine: sub-orchestrations and continue-as-new', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('runs a child to completion and reports a failing child to the parent as an error', async () => {
    const id = uniqueId('parent');
    await host.start('Parent', { instanceId: id, input: 'Oslo' });
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toMatchObject({ child: 'Hello Oslo!', failed: true });
    expect((status.output as { message: string }).message).toContain(
      "Orchestrator function 'FailingChild' failed: child went wrong",
    );

    const child = await host.client.getStatus(`${id}-child`);
    expect(child).toMatchObject({ runtimeStatus: 'Completed', output: 'Hello Oslo!', input: 'Oslo' });
    expect((await host.client.getStatus(`${id}-failing`))?.runtimeStatus).toBe('Failed');
    const started = (await host.history(`${id}-child`)).find(
      (e) => e.EventType === EventType.ExecutionStarted,
    );
    expect(started).toMatchObject({
      ParentInstance: { OrchestrationInstance: { InstanceId: id }, TaskScheduleId: 0 },
    });
  });

  it('continues as new with a fresh execution until the orchestrator returns, keeping custom status', async () => {
    const id = uniqueId('counter');
    await host.start('Counter', { instanceId: id, input: 0 });
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toBe(3);
    expect(status.input).toBe(3);
    expect(status.customStatus).toEqual({ generation: 3 });
    const history = await host.history(id);
    expect(history.find((e) => e.EventType === EventType.ExecutionStarted)).toMatchObject({
      Generation: 3,
      Input: '3',
    });
  });
});

describe('durable engine: retried sub-orchestrations and entity signals', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('retries a failing sub-orchestration after its backoff timer and then surfaces the failure', async () => {
    const id = uniqueId('retries-child');
    await host.start('RetriesChild', { instanceId: id });
    await host.runUntilIdle();
    expect((await host.client.getStatus(id))?.runtimeStatus).toBe('Running');
    await host.clock.advance('1s');
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toContain("gave up: Orchestrator function 'FailingChild' failed: child went wrong");
    const created = (await host.history(id)).filter(
      (e) => e.EventType === EventType.SubOrchestrationInstanceCreated,
    );
    expect(created).toHaveLength(2);
  });

  it('sends an entity signal from an orchestration as an event to the entity, which runs it', async () => {
    const id = uniqueId('signals');
    await host.start('SignalsEntity', { instanceId: id });
    expect((await host.waitForStatus(id, 'Completed')).output).toBe('signalled');
    const sent = (await host.history(id)).find((e) => e.EventType === EventType.EventSent);
    expect(sent).toMatchObject({ InstanceId: `@tally@${id}`, Name: 'op' });
    await host.runUntilIdle();
    expect(await host.client.readEntityState('Tally', id)).toEqual({ exists: true, state: '1' });
  });
});
