/**
 * How an activity's outcome becomes the message its orchestration receives (EXT
 * `TaskActivityShim`, DTFC `TaskActivityDispatcher`): a return value as JSON text in
 * `TaskCompleted.Result`; a thrown error as `TaskFailed` with the extension's reason text and a
 * JSON `Details` string (the SDK needs both to be strings). Pure.
 */
import { EventType, type TaskCompletedEvent, type TaskFailedEvent } from '../../protocol/history';
import type { RpcTypedData } from '../../worker/types';

/** JSON text of a worker return value, as the extension's return-value binder serializes it. */
export function returnValueText(value: RpcTypedData | undefined): string | null {
  if (value === undefined) return null;
  if (value.json !== undefined) return value.json;
  if (value.string !== undefined) return JSON.stringify(value.string);
  if (value.int !== undefined) return JSON.stringify(value.int);
  if (value.double !== undefined) return JSON.stringify(value.double);
  const bytes = value.bytes ?? value.stream;
  if (bytes !== undefined) return JSON.stringify(Buffer.from(bytes).toString('base64'));
  return null;
}

/** A JS value as the result text: `undefined` is no result at all. */
export function valueText(value: unknown): string | null {
  return value === undefined ? null : (JSON.stringify(value) ?? null);
}

export function taskCompleted(
  taskScheduledId: number,
  result: string | null,
  now: string,
): TaskCompletedEvent {
  return {
    EventType: EventType.TaskCompleted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: now,
    TaskScheduledId: taskScheduledId,
    Result: result,
  };
}

/**
 * The failure of an activity. `from: 'worker'` (the app's function threw): EXT 2.13.7
 * `TaskActivityShim.RunAsync` writes `Activity function '<name>' failed: ` + the message
 * `OutOfProcExceptionHelpers.TryGetFullOutOfProcMessage` cuts from the host's RpcException text
 * between "\nException:" and "\nStack:", which keeps the space after the colon: two spaces in
 * all. `from: 'host'` (the extension's own failure, e.g. `TaskNonexistentActivityShim`): one space.
 */
export function taskFailed(
  taskScheduledId: number,
  activityName: string,
  error: { message: string; stack?: string; name?: string },
  now: string,
  from: 'worker' | 'host' = 'worker',
): TaskFailedEvent {
  // The host wraps a worker failure in an RpcException whose message is
  // "Result: Failure\nException: <message>\nStack: <stack>"; the extension serializes that exception.
  const details = JSON.stringify({
    ClassName: 'Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException',
    Message: `Result: Failure\nException: ${error.message}\nStack: ${error.stack ?? ''}`,
    RemoteStackTrace: error.stack ?? null,
  });
  return {
    EventType: EventType.TaskFailed,
    EventId: -1,
    IsPlayed: false,
    Timestamp: now,
    TaskScheduledId: taskScheduledId,
    Reason:
      from === 'worker'
        ? `Activity function '${activityName}' failed:  ${error.message.split('\nStack:')[0] ?? ''}`
        : `Activity function '${activityName}' failed: ${error.message}`,
    Details: details,
    FailureDetails: null,
  };
}
