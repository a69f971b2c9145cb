/**
 * One queue message a store holds, as the lease table keeps it (its age, visibility, current
 * receipt and deliveries), and the copy of it a work item carries.
 */
import type { ReceivedMessage, TaskMessage } from './taskHubStore';

export interface HeldMessage {
  readonly messageId: string;
  readonly instanceId: string;
  readonly message: TaskMessage;
  readonly insertedAt: number;
  /** The queue's dequeue count when this process first held it (1 for a message it sent). */
  readonly firstDequeueCount: number;
  /** Age in the table, set when added: deliveries go oldest first. */
  seq: number;
  /** On the store's clock: not deliverable before. A leased message carries the lease's end. */
  visibleAt: number;
  /** Receipt of the current delivery; '' when not delivered. */
  receipt: string;
  /** Deliveries by this process. */
  deliveries: number;
  /** Being deleted: never delivered again. */
  deleting: boolean;
}

/** A held message as a work item carries it (a copy, so the holder cannot change the table). */
export function asReceived(held: HeldMessage): ReceivedMessage {
  return {
    messageId: held.messageId,
    receipt: held.receipt,
    dequeueCount: held.firstDequeueCount + held.deliveries - 1,
    insertedAt: held.insertedAt,
    message: structuredClone(held.message),
  };
}
