/** Which queue a message goes to, as the DTF Azure Storage provider routes it. */
import { EventType } from '../protocol/history';
import type { TaskMessage } from './taskHubStore';

export type QueueKind = 'control' | 'workItems';

/** `TaskScheduled` goes to the shared work-item queue; everything else to the target's control queue. */
export function queueFor(message: TaskMessage): QueueKind {
  return message.event.EventType === EventType.TaskScheduled ? 'workItems' : 'control';
}

/** Control-queue partition of an instance: FNV-1a 32-bit of its UTF-8 id, mod the partition count. */
export function controlQueueIndex(instanceId: string, partitionCount: number): number {
  let hash = 2166136261;
  for (const byte of Buffer.from(instanceId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash % partitionCount;
}
