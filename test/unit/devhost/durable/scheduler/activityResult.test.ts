import { EventType } from '../../../../../devhost/durable/history';
import {
  returnValueText,
  taskFailed,
  valueText,
} from '../../../../../devhost/durable/scheduler/activityResult';
import { parentNotification } from '../../../../../devhost/durable/scheduler/outbound';

describe('activity results', () => {
  it('turns worker return values into JSON text', () => {
    expect(returnValueText({ json: '{"a":1}' })).toBe('{"a":1}');
    expect(returnValueText({ string: 'Hello' })).toBe('"Hello"');
    expect(returnValueText({ int: 5 })).toBe('5');
    expect(returnValueText(undefined)).toBeNull();
    expect(valueText(undefined)).toBeNull();
    expect(valueText({ b: [1] })).toBe('{"b":[1]}');
  });

  it("fails with the extension's reason and string Details", () => {
    const event = taskFailed(
      3,
      'Reserve',
      { message: 'out of stock', stack: 'Error: out of stock\n at x' },
      'T',
    );
    expect(event).toMatchObject({
      EventType: EventType.TaskFailed,
      TaskScheduledId: 3,
      Reason: "Activity function 'Reserve' failed: out of stock",
      FailureDetails: null,
    });
    expect(typeof event.Details).toBe('string');
    expect(JSON.parse(event.Details)).toMatchObject({
      Message: expect.stringContaining('Exception: out of stock'),
    });
  });
});

describe('parentNotification', () => {
  const started = {
    EventType: EventType.ExecutionStarted as const,
    EventId: -1,
    IsPlayed: false,
    Timestamp: 'T',
    OrchestrationInstance: { InstanceId: 'child', ExecutionId: 'ce' },
    ParentInstance: {
      Name: 'Parent',
      Version: null,
      TaskScheduleId: 4,
      OrchestrationInstance: { InstanceId: 'p', ExecutionId: 'pe' },
    },
    Name: 'Child',
    Version: null,
    Input: null,
    Tags: null,
    Correlation: null,
    ScheduledStartTime: null,
    Generation: 0,
  };

  it('tells the parent execution about a completed child', () => {
    expect(parentNotification(started, 'Completed', '"ok"', null, 'T')?.message).toMatchObject({
      event: { EventType: EventType.SubOrchestrationInstanceCompleted, TaskScheduledId: 4, Result: '"ok"' },
      orchestrationInstance: { InstanceId: 'p', ExecutionId: 'pe' },
    });
  });

  it('reports a failed or terminated child as SubOrchestrationInstanceFailed with string Reason and Details', () => {
    const failed = parentNotification(started, 'Terminated', 'stopped', null, 'T')?.message.event;
    expect(failed).toMatchObject({
      EventType: EventType.SubOrchestrationInstanceFailed,
      Reason: 'stopped',
      Details: 'stopped',
    });
    expect(parentNotification(started, 'Running', null, null, 'T')).toBeUndefined();
    expect(
      parentNotification({ ...started, ParentInstance: null }, 'Completed', null, null, 'T'),
    ).toBeUndefined();
  });
});
