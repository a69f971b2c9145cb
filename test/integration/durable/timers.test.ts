import { EventType, type HistoryEvent } from '../../../devhost/src/protocol/history';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

const START = '2030-01-01T00:00:00.000Z';

function ofType<T extends EventType>(
  history: HistoryEvent[],
  type: T,
): Extract<HistoryEvent, { EventType: T }>[] {
  return history.filter((e): e is Extract<HistoryEvent, { EventType: T }> => e.EventType === type);
}

describe('durable engine: time', () => {
  let host: TestHost;
  beforeEach(async () => {
    host = await startFixtureHost({ startAt: START });
  });
  afterEach(async () => {
    await host.stop();
  });

  it('gives the orchestrator the virtual time as currentUtcDateTime', async () => {
    await host.clock.advance('90m');
    const id = await host.start('WhatTimeIsIt', { instanceId: uniqueId('time') });
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toBe('2030-01-01T01:30:00.000Z');
  });

  it('fires a 10-day timer as 3-day slices only when virtual time reaches each one', async () => {
    const id = await host.start('LongTimer', { instanceId: uniqueId('long') });
    await host.runUntilIdle();
    expect((await host.client.getStatus(id))?.runtimeStatus).toBe('Running');

    await host.clock.advance('9d');
    expect((await host.client.getStatus(id))?.runtimeStatus).toBe('Running');

    await host.clock.advance('1d');
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toEqual({ started: START, woke: '2030-01-11T00:00:00.000Z' });
    const fireAts = ofType(await host.history(id), EventType.TimerCreated).map((e) => e.FireAt);
    expect(fireAts).toEqual([
      '2030-01-04T00:00:00.000Z',
      '2030-01-07T00:00:00.000Z',
      '2030-01-10T00:00:00.000Z',
      '2030-01-11T00:00:00.000Z',
    ]);
  });

  it('fires retry backoff timers in order at their FireAt, then surfaces the last failure', async () => {
    let attempts = 0;
    host.overrideActivity('Flaky', () => {
      attempts += 1;
      throw new Error(`attempt ${attempts} failed`);
    });
    const id = await host.start('Retrying', { instanceId: uniqueId('retry'), input: 'x' });
    await host.runUntilIdle();
    expect(attempts).toBe(1);

    await host.clock.advance('1m');
    const status = await host.waitForStatus(id, 'Failed');
    expect(attempts).toBe(3);
    expect(status.output).toContain("Activity function 'Flaky' failed:  attempt 3 failed");

    const history = await host.history(id);
    const timers = ofType(history, EventType.TimerCreated).map((e) => e.FireAt);
    // 5 s after the first failure, 10 s (backoff 2) after the second, and DTF's immediate timer after the last.
    expect(timers).toEqual([
      '2030-01-01T00:00:05.000Z',
      '2030-01-01T00:00:15.000Z',
      '2030-01-01T00:00:15.000Z',
    ]);
    const fired = ofType(history, EventType.TimerFired).map((e) => e.FireAt);
    expect(fired).toEqual(timers);
    const starts = ofType(history, EventType.OrchestratorStarted).map((e) => e.Timestamp);
    expect([...starts].sort()).toEqual(starts);
  });

  it('succeeds on a retry once the activity recovers', async () => {
    let attempts = 0;
    host.overrideActivity('Flaky', (input: string) => {
      attempts += 1;
      if (attempts < 2) throw new Error('not yet');
      return `recovered with ${input}`;
    });
    const id = await host.start('Retrying', { instanceId: uniqueId('recover'), input: 'y' });
    await host.clock.advance('5s');
    const status = await host.waitForStatus(id, 'Completed');
    expect(status.output).toBe('recovered with y');
  });
});
