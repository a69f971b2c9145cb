/**
 * Orchestration → entity messages (`RequestMessage`, sent as `EventSent{Name:"op"}`). The request id
 * is derived from the execution and the sequence id, so every replay produces the same one. Requests
 * carry the message sorter's labels (`Timestamp`, `Predecessor`), computed from the episode times
 * replay sees, so they too are the same on every replay.
 */
import { formatTicks, ticksFromMs } from '../../protocol/dotnetTime';
import { serializeRequest, type RequestMessage } from '../../protocol/entityMessages';
import type { MessageSorter } from '../../protocol/messageSorter';
import { deterministicGuid } from './guid';

/** `entityMessageReorderWindowInMinutes` default: the receiving entity applies the configured one. */
const REORDER_WINDOW_MS = 30 * 60_000;

export interface EntityRequestArgs {
  operation: string;
  input: unknown;
  signal: boolean;
  parentInstanceId: string;
  parentExecutionId: string;
  sequenceId: number;
  /** Labels the request for its target (unscheduled requests), at the episode's `CurrentUtcDateTime`. */
  label?: { sorter: MessageSorter; targetInstanceId: string; nowMs: number };
  /** Scheduled signals: when to run (`due`). */
  dueMs?: number;
}

export function entityRequestId(parentExecutionId: string, sequenceId: number): string {
  return deterministicGuid(`${parentExecutionId}:${sequenceId}`);
}

/** `RequestMessage` JSON; `input` is JSON text, omitted when null, `signal` omitted when false. */
export function entityRequestMessage(args: EntityRequestArgs): { id: string; json: string } {
  const id = entityRequestId(args.parentExecutionId, args.sequenceId);
  const message: RequestMessage = { op: args.operation, id };
  if (args.signal) message.signal = true;
  if (args.input !== undefined && args.input !== null) message.input = JSON.stringify(args.input);
  message.parent = args.parentInstanceId;
  message.parentExecution = args.parentExecutionId;
  if (args.dueMs !== undefined) message.due = formatTicks(ticksFromMs(args.dueMs));
  else if (args.label) {
    const { sorter, targetInstanceId, nowMs } = args.label;
    sorter.labelOutgoing(message, targetInstanceId, nowMs, REORDER_WINDOW_MS);
  }
  return { id, json: serializeRequest(message) };
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
