import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

describe('durable engine: external events', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost();
  });
  afterEach(async () => {
    await host.stop();
  });

  it('resumes a waiting orchestration when its event is raised', async () => {
    const id = await host.start('WaitForEvent', { instanceId: uniqueId('event') });
    await host.runUntilIdle();
    expect((await host.client.getStatus(id))?.runtimeStatus).toBe('Running');
    expect(await host.client.raiseEvent(id, 'Go', '21')).toBe('accepted');
    expect((await host.waitForStatus(id, 'Completed')).output).toBe(42);
  });

  it('buffers an event raised before the orchestration waits for it', async () => {
    const id = await host.start('WaitForEvent', { instanceId: uniqueId('early') });
    await host.client.raiseEvent(id, 'Go', '5');
    expect((await host.waitForStatus(id, 'Completed')).output).toBe(10);
  });

  it('takes the approval when it arrives before the 24-hour timeout, and the timeout otherwise', async () => {
    const approved = await host.start('Approval', { instanceId: uniqueId('approved') });
    const ignored = await host.start('Approval', { instanceId: uniqueId('ignored') });
    await host.clock.advance('23h');
    await host.client.raiseEvent(approved, 'Approval', '"yes"');
    expect((await host.waitForStatus(approved, 'Completed')).output).toEqual({ approved: 'yes' });
    expect((await host.client.getStatus(ignored))?.runtimeStatus).toBe('Running');

    await host.clock.advance('1h');
    expect((await host.waitForStatus(ignored, 'Completed')).output).toEqual({
      approved: false,
      timedOut: true,
    });
  });

  it('answers gone for an event to a finished instance and notFound for an unknown one', async () => {
    const id = await host.start('Sequence', { instanceId: uniqueId('done') });
    await host.waitForStatus(id, 'Completed');
    expect(await host.client.raiseEvent(id, 'Go', '1')).toBe('gone');
    expect(await host.client.raiseEvent(uniqueId('missing'), 'Go', '1')).toBe('notFound');
  });
});
