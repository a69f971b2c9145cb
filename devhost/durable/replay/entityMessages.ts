/**
 * Orchestration → entity messages (`RequestMessage`, sent as `EventSent{Name:"op"}`). The request id
 * is derived from the execution and the sequence id, so every replay produces the same one.
 */
import { deterministicGuid } from './guid';

export interface EntityRequestArgs {
  operation: string;
  input: unknown;
  signal: boolean;
  parentInstanceId: string;
  parentExecutionId: string;
  sequenceId: number;
}

export function entityRequestId(parentExecutionId: string, sequenceId: number): string {
  return deterministicGuid(`${parentExecutionId}:${sequenceId}`);
}

/** `RequestMessage` JSON; `input` is JSON text, omitted when null, `signal` omitted when false. */
export function entityRequestMessage(args: EntityRequestArgs): { id: string; json: string } {
  const id = entityRequestId(args.parentExecutionId, args.sequenceId);
  const message: Record<string, unknown> = { op: args.operation };
  if (args.signal) message.signal = true;
  if (args.input !== undefined && args.input !== null) message.input = JSON.stringify(args.input);
  message.id = id;
  message.parent = args.parentInstanceId;
  message.parentExecution = args.parentExecutionId;
  return { id, json: JSON.stringify(message) };
}

/** `@name@key` → name, as `EntityId.GetEntityIdFromSchedulerId` splits it. */
export function entityNameFromSchedulerId(schedulerId: string): string | undefined {
  if (!schedulerId.startsWith('@')) return undefined;
  const end = schedulerId.indexOf('@', 1);
  return end < 0 ? undefined : schedulerId.slice(1, end);
}

/**
 * `ResponseMessage` JSON, the `Input` of the `EventRaised` named after the request id that answers a
 * call: `result` is the operation's result as JSON text; `exceptionType` only when it failed (the
 * SDK then throws `Error(result)`).
 */
export function entityResponseMessage(response: { result: string | null; exceptionType?: string }): string {
  const message: Record<string, unknown> = {};
  if (response.result !== null) message.result = response.result;
  if (response.exceptionType !== undefined) message.exceptionType = response.exceptionType;
  return JSON.stringify(message);
}
