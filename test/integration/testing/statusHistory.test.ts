import { EventType, type HistoryEvent } from '../../../devhost/src/protocol/history';
import { loadReplayer, type Replayer } from '../../../devhost/src/testing/replay';
import { historyFromStatusEvents, StatusHistoryError } from '../../../devhost/src/testing/statusHistory';
import type { TestHost } from '../../../devhost/src/testing/startTestHost';
import { durableAppDir, startFixtureHost } from '../../support/testHosts';
import { uniqueId } from '../../support/ids';

const SCHEDULING = [
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
  EventType.EventSent,
];

/** The scheduling events by sequence id, and what answered each: what a replay checks and feeds. */
function decisions(history: readonly HistoryEvent[]) {
  const scheduled = history
    .filter((e) => SCHEDULING.includes(e.EventType))
    .map((e) => `${e.EventId} ${EventType[e.EventType]} ${'Name' in e ? e.Name : ''}`);
  const answered = history.flatMap((e) => {
    if (
      e.EventType === EventType.TaskCompleted ||
      e.EventType === EventType.SubOrchestrationInstanceCompleted
    )
      return [`${e.TaskScheduledId} ${e.Result ?? ''}`];
    if (e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed)
      return [`${e.TaskScheduledId} failed`];
    if (e.EventType === EventType.TimerFired) return [`${e.TimerId} fired`];
    if (e.EventType === EventType.EventRaised) return [`${e.Name} raised`];
    return [];
  });
  return { scheduled, answered };
}

describe('histories saved from the status API', () => {
  let host: TestHost;
  let replayer: Replayer;
  beforeAll(async () => {
    host = await startFixtureHost();
    replayer = await loadReplayer({ appDir: durableAppDir });
  });
  afterAll(async () => {
    await replayer?.close();
    await host?.stop();
  });

  const statusOf = async (instanceId: string) =>
    (await host.client.getStatus(instanceId, {
      showHistory: true,
      showHistoryOutput: true,
      showInput: true,
    }))!;

  async function run(name: string, input: unknown, drive?: (id: string) => Promise<void>) {
    const id = await host.start(name, { instanceId: uniqueId(name), input });
    await host.runUntilIdle();
    await drive?.(id);
    await host.waitForStatus(id, ['Completed', 'Failed']);
    return id;
  }

  it.each([
    ['Sequence', ['A', 'B', 'C'], undefined],
    ['Retrying', 'x', 'retries'],
    ['LongTimer', null, 'advance'],
    ['WhatTimeIsIt', null, undefined],
    ['Approval', null, 'approve'],
    ['Approval', null, 'advance'],
    ['Parent', 'kid', undefined],
    ['RetriesChild', null, 'advance'],
    ['NoInputs', null, undefined],
    ['SignalsEntity', null, undefined],
    ['CallsFlaky', null, 'advance'],
  ] as const)(
    'rebuilds %s (%j, %s) with the sequence ids, answers and outcome of the stored history',
    async (name, input, how) => {
      const undo =
        how === 'retries'
          ? (() => {
              let calls = 0;
              return host.overrideActivity('Flaky', () => {
                calls += 1;
                if (calls < 3) throw new Error(`attempt ${calls} fails`);
                return 'third time';
              });
            })()
          : undefined;
      try {
        const id = await run(name, input, async (instanceId) => {
          if (how === 'approve') await host.client.raiseEvent(instanceId, 'Approval', JSON.stringify(true));
          if (how === 'advance' || how === 'retries') await host.clock.advance('11d');
        });
        const stored = await host.history(id);
        const status = await statusOf(id);
        const rebuilt = historyFromStatusEvents(status);
        expect(decisions(rebuilt)).toEqual(decisions(stored));
        const report = await replayer.replay({ history: status });
        expect(report).toMatchObject({ deterministic: true, instanceId: id, newWork: [] });
        expect({ status: report.runtimeStatus, output: report.output }).toEqual({
          status: status.runtimeStatus,
          output: status.runtimeStatus === 'Completed' ? status.output : undefined,
        });
      } finally {
        undo?.();
      }
    },
  );

  it('rebuilds a fan-out whose tasks complete in any order, so it replays to the recorded result', async () => {
    const id = await run('FanOut', 6);
    const status = await statusOf(id);
    const report = await replayer.replay({ history: status });
    expect(report).toMatchObject({ deterministic: true, runtimeStatus: 'Completed', output: 30 });
  });

  it('rebuilds instances still in flight, so their replay schedules nothing new', async () => {
    for (const name of ['WaitForEvent', 'Approval']) {
      const id = await host.start(name, { instanceId: uniqueId('open') });
      await host.waitForStatus(id, 'Running');
      expect(await replayer.replay({ history: await statusOf(id) })).toMatchObject({
        deterministic: true,
        runtimeStatus: 'Running',
        newWork: [],
      });
    }
  });

  it('says what is missing when a status history cannot be rebuilt', () => {
    expect(() => historyFromStatusEvents({ historyEvents: [] })).toThrow(StatusHistoryError);
    expect(() => historyFromStatusEvents([{ EventType: 'TaskCompleted', Timestamp: 't' }])).toThrow(
      /must start with its ExecutionStarted/,
    );
    expect(() => historyFromStatusEvents([{ EventType: 'ExecutionStarted', Timestamp: 't' }])).toThrow(
      /no FunctionName/,
    );
    expect(() =>
      historyFromStatusEvents([
        { EventType: 'ExecutionStarted', FunctionName: 'X', Timestamp: 't' },
        { EventType: 'TimerFired', FireAt: '2030-01-01T00:00:00.000Z', Timestamp: 't' },
      ]),
    ).toThrow(/no open timer was created for that time/);
    expect(() => historyFromStatusEvents([{ EventType: 7, Timestamp: 't' }])).toThrow(
      /must be an event type name/,
    );
  });
});
