import { EventType } from '../../../../../devhost/src/protocol/history';
import {
  returnValueText,
  taskFailed,
  valueText,
} from '../../../../../devhost/src/durable/scheduler/activityResult';

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
