import { DurableOperationError } from '../../../devhost/src/durable/client/operations';
import { EventType } from '../../../devhost/src/protocol/history';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('durable engine: instance management', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('shows a started instance as Pending at once, before any episode runs', async () => {
    const id = await host.start('Sequence', { instanceId: uniqueId('pending') });
    expect(await host.client.getStatus(id)).toMatchObject({
      runtimeStatus: 'Pending',
      output: null,
      customStatus: null,
    });
  });

  it('terminates a running instance with the reason as output, and then refuses with gone', async () => {
    const id = await host.start('WaitForEvent', { instanceId: uniqueId('term') });
    await host.runUntilIdle();
    expect(await host.client.terminate(id, 'no longer needed')).toBe('accepted');
    const status = await host.waitForStatus(id, 'Terminated');
    expect(status.output).toBe('no longer needed');
    const history = await host.history(id);
    expect(history.find((e) => e.EventType === EventType.ExecutionCompleted)).toMatchObject({
      OrchestrationStatus: 5,
    });
    expect(await host.client.terminate(id, 'again')).toBe('gone');
  });

  it('holds events while suspended and delivers them on resume', async () => {
    const id = await host.start('WaitForEvent', { instanceId: uniqueId('susp') });
    await host.runUntilIdle();
    expect(await host.client.suspend(id, 'maintenance')).toBe('accepted');
    await host.waitForStatus(id, 'Suspended');
    await host.client.raiseEvent(id, 'Go', '4');
    await host.runUntilIdle();
    expect((await host.client.getStatus(id))?.runtimeStatus).toBe('Suspended');

    expect(await host.client.resume(id, 'done')).toBe('accepted');
    expect((await host.waitForStatus(id, 'Completed')).output).toBe(8);
  });

  it('rewinds a failed instance so the failed activity runs again', async () => {
    const id = await host.start('CallsFlaky', { instanceId: uniqueId('rewind') });
    const failed = await host.waitForStatus(id, 'Failed');
    expect(failed.output).toContain("Activity function 'Flaky' failed");
    await expect(host.client.rewind(uniqueId('nobody'), null)).resolves.toBe('notFound');

    let calls = 0;
    host.overrideActivity('Flaky', (input: string) => {
      calls += 1;
      return `fixed ${input}`;
    });
    expect(await host.client.rewind(id, 'fixed the bug')).toBe('accepted');
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toEqual(['Hello before!', 'fixed x']);
    expect(calls).toBe(1);
  });

  it('refuses to rewind an instance that did not fail', async () => {
    const running = await host.start('WaitForEvent', { instanceId: uniqueId('rw-running') });
    await host.runUntilIdle();
    await expect(host.client.rewind(running, null)).rejects.toMatchObject({ code: 'invalidState' });
    const done = await host.start('Sequence', { instanceId: uniqueId('rw-done') });
    await host.waitForStatus(done, 'Completed');
    expect(await host.client.rewind(done, null)).toBe('gone');
  });

  it('refuses a duplicate start of a live instance and overwrites a finished one with a new execution', async () => {
    const id = uniqueId('dup');
    await host.start('WaitForEvent', { instanceId: id });
    await expect(host.start('WaitForEvent', { instanceId: id })).rejects.toBeInstanceOf(
      DurableOperationError,
    );
    await host.runUntilIdle();
    await expect(host.start('Sequence', { instanceId: id })).rejects.toMatchObject({
      code: 'instanceExists',
    });

    await host.client.terminate(id, null);
    await host.waitForStatus(id, 'Terminated');
    const firstExecution = (await host.history(id)).find((e) => e.EventType === EventType.ExecutionStarted);
    await host.start('Sequence', { instanceId: id });
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.name).toBe('Sequence');
    const second = (await host.history(id)).find((e) => e.EventType === EventType.ExecutionStarted);
    expect(
      second?.EventType === EventType.ExecutionStarted && second.OrchestrationInstance.ExecutionId,
    ).not.toBe(
      firstExecution?.EventType === EventType.ExecutionStarted &&
        firstExecution.OrchestrationInstance.ExecutionId,
    );
  });

  it('rejects unknown orchestrators and bad instance ids without creating anything', async () => {
    await expect(host.start('NoSuchOrchestrator')).rejects.toMatchObject({ code: 'unknownOrchestrator' });
    await expect(host.start('Sequence', { instanceId: 'a/b' })).rejects.toMatchObject({
      code: 'invalidInstanceId',
    });
    await expect(host.start('Sequence', { instanceId: '@entity' })).rejects.toMatchObject({
      code: 'invalidInstanceId',
    });
    expect((await host.client.listInstances({})).items).toEqual([]);
  });

  it('restarts an instance with its original input, and purges one or many', async () => {
    const id = await host.start('Sequence', { instanceId: uniqueId('restart'), input: ['Rome'] });
    await host.waitForStatus(id, 'Completed');
    const restarted = await host.client.restart(id, true);
    if (!restarted) throw new Error('restart found no instance');
    expect(restarted.instanceId).not.toBe(id);
    expect((await host.waitForStatus(restarted.instanceId, 'Completed')).output).toEqual(['Hello Rome!']);

    expect(await host.client.purge(id)).toBe(1);
    expect(await host.client.getStatus(id)).toBeUndefined();
    expect(await host.client.purge(id)).toBe(0);
    expect(await host.client.purgeBy({ runtimeStatus: ['Completed'] })).toBe(1);
    expect(await host.client.getStatus(restarted.instanceId)).toBeUndefined();
  });

  it('lists instances with filters and continuation tokens', async () => {
    const prefix = uniqueId('list');
    for (const n of [1, 2, 3]) await host.start('Sequence', { instanceId: `${prefix}-${n}` });
    const first = await host.client.listInstances({ instanceIdPrefix: prefix, top: 2 });
    expect(first.items.map((s) => s.instanceId)).toEqual([`${prefix}-1`, `${prefix}-2`]);
    const second = await host.client.listInstances({
      instanceIdPrefix: prefix,
      top: 2,
      continuationToken: first.continuationToken,
    });
    expect(second.items.map((s) => s.instanceId)).toEqual([`${prefix}-3`]);
    expect(second.continuationToken).toBeUndefined();
    await host.runUntilIdle();
    expect((await host.client.listInstances({ runtimeStatus: ['Pending'] })).items).toEqual([]);
  });

  it('formats status history as the extension does when asked for it', async () => {
    const id = await host.start('Sequence', { instanceId: uniqueId('hist'), input: ['Kyiv'] });
    await host.waitForStatus(id, 'Completed');
    const status = await host.client.getStatus(id, { showHistory: true, showHistoryOutput: true });
    expect(status?.historyEvents?.map((e) => (e as { EventType: string }).EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(status?.historyEvents?.[1]).toMatchObject({ FunctionName: 'Hello', Result: 'Hello Kyiv!' });
    expect(status?.historyEvents?.[2]).toMatchObject({
      OrchestrationStatus: 'Completed',
      Result: ['Hello Kyiv!'],
    });
  });
});
