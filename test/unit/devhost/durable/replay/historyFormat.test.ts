import * as df from 'durable-functions';
import {
  formatHistoryEvents,
  formatStatusTime,
  parseStoredValue,
  summarizeExecution,
} from '../../../../../devhost/src/durable/replay';
import {
  eventRaised,
  subOrchestrationCompleted,
  taskCompleted,
  taskFailed,
  timerFired,
} from '../../../../support/durableEvents';
import { at, SdkOrchestration, testSettings, type OrchestratorFn } from '../../../../support/sdkOrchestrator';

const settings = testSettings({ activities: ['Hello', 'Flaky'], orchestrators: ['Child'] });

const everything: OrchestratorFn = function* (context) {
  const greeting: unknown = yield context.df.callActivity('Hello', 'Tokyo');
  try {
    yield context.df.callActivity('Flaky');
  } catch {
    // a business outcome, recorded in history as TaskFailed
  }
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  const approval: unknown = yield context.df.waitForExternalEvent('Approval');
  const child: unknown = yield context.df.callSubOrchestrator('Child', 'in', 'child-1');
  return { greeting, approval, child };
};

async function finishedRun(): Promise<SdkOrchestration> {
  const run = new SdkOrchestration(everything, { name: 'everything', settings });
  await run.start({ order: 1 }, at(0));
  await run.episode([taskCompleted(0, 'Hello Tokyo!', at(1))], at(1));
  await run.episode([taskFailed(1, 'flaky', at(2))], at(2));
  await run.episode([timerFired(2, at(3))], at(3));
  await run.episode([eventRaised('Approval', true, at(4))], at(4));
  await run.episode([subOrchestrationCompleted(3, 'child out', at(5))], at(5));
  return run;
}

describe('formatHistoryEvents', () => {
  it('renders the status API history with names, merged completions and no episode markers', async () => {
    const run = await finishedRun();
    expect(formatHistoryEvents(run.history, { showHistoryOutput: false, showInput: true })).toEqual([
      {
        EventType: 'ExecutionStarted',
        Input: '{"order":1}',
        Correlation: null,
        ScheduledStartTime: null,
        Generation: 0,
        Timestamp: at(0),
        FunctionName: 'everything',
      },
      {
        EventType: 'TaskCompleted',
        Timestamp: at(1),
        ScheduledTime: at(0),
        FunctionName: 'Hello',
        Input: null,
      },
      {
        EventType: 'TaskFailed',
        Reason: 'Activity function failed: flaky',
        Details: '{"Message":"flaky"}',
        FailureDetails: null,
        Timestamp: at(2),
        ScheduledTime: at(1),
        FunctionName: 'Flaky',
        Input: null,
      },
      { EventType: 'TimerCreated', FireAt: at(3), Timestamp: at(2) },
      { EventType: 'TimerFired', FireAt: at(3), Timestamp: at(3) },
      { EventType: 'EventRaised', Name: 'Approval', Input: 'true', Timestamp: at(4) },
      {
        EventType: 'SubOrchestrationInstanceCompleted',
        Timestamp: at(5),
        ScheduledTime: at(4),
        FunctionName: 'Child',
        Input: null,
      },
      {
        EventType: 'ExecutionCompleted',
        OrchestrationStatus: 'Completed',
        FailureDetails: null,
        Timestamp: at(5),
      },
    ]);
  });

  it('adds parsed results with showHistoryOutput and drops every Input without showInput', async () => {
    const run = await finishedRun();
    const rows = formatHistoryEvents(run.history, { showHistoryOutput: true, showInput: false });
    expect(rows.find((r) => r.EventType === 'TaskCompleted')).toEqual({
      EventType: 'TaskCompleted',
      Result: 'Hello Tokyo!',
      Timestamp: at(1),
      ScheduledTime: at(0),
      FunctionName: 'Hello',
    });
    expect(rows.find((r) => r.EventType === 'ExecutionCompleted')?.Result).toEqual({
      greeting: 'Hello Tokyo!',
      approval: true,
      child: 'child out',
    });
    expect(rows.some((r) => 'Input' in r)).toBe(false);
  });

  it('keeps a scheduled task that has not completed yet, and event sends as they are', async () => {
    const run = new SdkOrchestration(
      function* (context) {
        context.df.signalEntity(new df.EntityId('counter', 'k'), 'add', 1);
        yield context.df.callActivity('Hello', 'x');
      },
      { name: 'pending', settings: { ...settings, entityNames: new Set(['counter']) } },
    );
    await run.start(null, at(0));
    const rows = formatHistoryEvents(run.history, { showHistoryOutput: false, showInput: true });
    expect(rows.map((r) => r.EventType)).toEqual(['ExecutionStarted', 'EventSent', 'TaskScheduled']);
    expect(rows[2]).toEqual({ EventType: 'TaskScheduled', Name: 'Hello', Input: null, Timestamp: at(0) });
  });
});

describe('status helpers', () => {
  it('summarizes an execution from its history', async () => {
    const run = await finishedRun();
    expect(summarizeExecution(run.history)).toEqual({
      name: 'everything',
      instanceId: 'instance-1',
      executionId: 'execution-1',
      input: '{"order":1}',
      createdTime: at(0),
      lastUpdatedTime: at(5),
      runtimeStatus: 'Completed',
      output: '{"greeting":"Hello Tokyo!","approval":true,"child":"child out"}',
    });
    expect(summarizeExecution([])).toBeUndefined();
  });

  it('parses stored values as the extension does: null, blank, JSON, or raw text', () => {
    expect(parseStoredValue(null)).toBeNull();
    expect(parseStoredValue('  ')).toBe('');
    expect(parseStoredValue('{"a":1}')).toEqual({ a: 1 });
    expect(parseStoredValue("Orchestrator function 'x' failed: boom")).toBe(
      "Orchestrator function 'x' failed: boom",
    );
  });

  it('formats status times in whole UTC seconds', () => {
    expect(formatStatusTime('2024-10-01T12:00:05.987Z')).toBe('2024-10-01T12:00:05Z');
    expect(() => formatStatusTime('yesterday')).toThrow(/not a valid timestamp/);
  });
});
