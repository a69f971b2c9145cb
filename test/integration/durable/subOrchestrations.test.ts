import { EventType } from '../../../devhost/durable/history';
import type { TestHost } from '../../../devhost/testing/startTestHost';
import { startFixtureHost, uniqueInstanceId } from './fixtureHost';

describe('durable engine: sub-orchestrations and continue-as-new', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('runs a child to completion and reports a failing child to the parent as an error', async () => {
    const id = uniqueInstanceId('parent');
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
    const id = uniqueInstanceId('counter');
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
