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

  // azure-functions-durable-extension v2.13.7: TaskActivityShim.RunAsync and
  // OutOfProcExceptionHelpers.TryGetFullOutOfProcMessage (the text after "\nException:" keeps its
  // leading space); Listener/TaskNonexistentActivityShim for the host's own failure.
  it("fails with the extension's reason (two spaces for the worker's error) and string Details", () => {
    const event = taskFailed(
      3,
      'Reserve',
      { message: 'out of stock', stack: 'Error: out of stock\n at x' },
      'T',
    );
    expect(event).toMatchObject({
      EventType: EventType.TaskFailed,
      TaskScheduledId: 3,
      Reason: "Activity function 'Reserve' failed:  out of stock",
      FailureDetails: null,
    });
    expect(
      taskFailed(1, 'Gone', { message: "Activity function 'Gone' does not exist." }, 'T', 'host').Reason,
    ).toBe("Activity function 'Gone' failed: Activity function 'Gone' does not exist.");
    expect(typeof event.Details).toBe('string');
    expect(JSON.parse(event.Details)).toMatchObject({
      Message: expect.stringContaining('Exception: out of stock'),
    });
  });
});
