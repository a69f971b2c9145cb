/**
 * What one entity work item runs, decided as the extension's `EntityMiddleware` does before it
 * calls the entity function: every delivered message is applied to the scheduler state in order
 * (requests go through the message sorter into the queue, the lock holder's to the front; a
 * `release` from the holder unlocks; `continue` resumes), then requests are taken from the queue
 * into one batch, up to `maxEntityOperationBatchSize`, stopping after a lock request. Scheduled
 * signals that arrive more than 100 ms early are sent again for later. Pure: the state is updated
 * in place.
 */
import { formatTicks, msFromTicks, parseTicks, ticksFromMs } from '../../protocol/dotnetTime';
import {
  dueFromEventName,
  EventNames,
  isRequestEventName,
  MalformedMessageError,
  parseRelease,
  parseRequest,
  type RequestMessage,
} from '../../protocol/entityMessages';
import { mayDequeue, type SchedulerState } from './schedulerState';

/** The extension re-sends a scheduled signal delivered more than this much before its time. */
const EARLY_DELIVERY_TOLERANCE_MS = 100;

export interface DeliveredMessage {
  /** The `EventRaised` name: `op`, `op@<time>`, `release`, `continue`. */
  name: string;
  input: string | null;
}

export interface BatchSettings {
  maxBatchSize: number;
  reorderWindowMs: number;
}

export interface BatchPlan {
  /** Operations and signals to run in one invocation, in order. */
  operations: RequestMessage[];
  /** A lock request that ends the batch (runs after the operations). */
  lockRequest: RequestMessage | undefined;
  /** Scheduled signals that came early, with `due` set: to send to the entity again. */
  reschedule: { message: RequestMessage; dueMs: number }[];
  /** The batch is full: suspend and send the entity a `continue` after the checkpoint. */
  continueAfterBatch: boolean;
  /** Messages that could not be read, dropped with these reasons. */
  dropped: string[];
}

export function planBatch(
  state: SchedulerState,
  messages: readonly DeliveredMessage[],
  nowMs: number,
  settings: BatchSettings,
): BatchPlan {
  const plan: BatchPlan = {
    operations: [],
    lockRequest: undefined,
    reschedule: [],
    continueAfterBatch: false,
    dropped: [],
  };
  const lockHolderMessages: RequestMessage[] = [];

  for (const delivered of messages) {
    try {
      if (isRequestEventName(delivered.name)) {
        const request = parseRequest(delivered.input);
        const dueMs = request.due !== undefined ? dueFromText(request.due) : dueFromEventName(delivered.name);
        let deliverNow: RequestMessage[];
        if (dueMs !== undefined) {
          // No FIFO guarantee for scheduled signals: they skip the sorter.
          if (dueMs - nowMs > EARLY_DELIVERY_TOLERANCE_MS) {
            request.due ??= formatTicks(ticksFromMs(dueMs));
            plan.reschedule.push({ message: request, dueMs });
            deliverNow = [];
          } else {
            deliverNow = [request];
          }
        } else {
          deliverNow = state.sorter.receiveInOrder(request, settings.reorderWindowMs);
        }
        for (const message of deliverNow) {
          if (state.lockedBy !== undefined && state.lockedBy === message.parent) {
            lockHolderMessages.push(message);
          } else {
            state.queue.push(message);
          }
        }
      } else if (delivered.name === EventNames.release) {
        const release = parseRelease(delivered.input);
        if (state.lockedBy === release.parent) state.lockedBy = undefined;
      } else {
        state.suspended = false;
      }
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      plan.dropped.push(`'${delivered.name}': ${error.message}`);
    }
  }

  if (lockHolderMessages.length > 0) state.queue = [...lockHolderMessages, ...state.queue];

  if (!state.suspended) {
    while (mayDequeue(state)) {
      if (plan.operations.length === settings.maxBatchSize) {
        plan.continueAfterBatch = true;
        break;
      }
      const request = state.queue.shift() as RequestMessage;
      if (request.lockset !== undefined) {
        plan.lockRequest = request;
        break;
      }
      plan.operations.push(request);
    }
  }
  return plan;
}

function dueFromText(text: string): number | undefined {
  const ticks = parseTicks(text);
  return ticks === undefined ? undefined : msFromTicks(ticks);
}
