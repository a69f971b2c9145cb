/**
 * Queue message bodies in DTF's `MessageData` shape (DTFAS `MessageData.cs`, Newtonsoft JSON with
 * `$type` names): the task message, an activity id, a sequence number and the sender. Bodies go on
 * the wire base64-encoded, as DTFAS 1.17 writes them; plain JSON text is read as well. Pure.
 */
import { randomUUID } from 'node:crypto';
import { EventType, type HistoryEvent } from '../../protocol/history';
import type { TaskMessage } from '../taskHubStore';
import { CorruptDataError } from './corruptData';

export type DecodedBody =
  { kind: 'message'; message: TaskMessage; activityId: string } | { kind: 'blob'; blobName: string };

let sequence = 0;

function eventTypeName(type: EventType): string {
  const name = EventType[type] as string | undefined;
  if (name === undefined) throw new TypeError(`Unknown history event type ${String(type)}.`);
  return type === EventType.GenericEvent ? 'GenericEvent' : `${name}Event`;
}

/** The envelope as JSON text, with a fresh activity id (used to name a large-message blob). */
export function encodeEnvelope(message: TaskMessage): { json: string; activityId: string } {
  const activityId = randomUUID();
  sequence += 1;
  const envelope = {
    $type: 'DurableTask.AzureStorage.MessageData',
    ActivityId: activityId,
    TaskMessage: {
      $type: 'DurableTask.Core.TaskMessage',
      Event: {
        $type: `DurableTask.Core.History.${eventTypeName(message.event.EventType)}`,
        ...message.event,
      },
      SequenceNumber: 0,
      OrchestrationInstance: {
        $type: 'DurableTask.Core.OrchestrationInstance',
        ...message.orchestrationInstance,
      },
    },
    CompressedBlobName: null,
    SequenceNumber: sequence,
    Sender: message.sender
      ? { $type: 'DurableTask.Core.OrchestrationInstance', ...message.sender }
      : { $type: 'DurableTask.Core.OrchestrationInstance', InstanceId: '', ExecutionId: '' },
  };
  return { json: JSON.stringify(envelope), activityId };
}

/** The body that points at a large message's blob. */
export function blobPointerJson(blobName: string): string {
  return JSON.stringify({ $type: 'DurableTask.AzureStorage.MessageData', CompressedBlobName: blobName });
}

export function toWire(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64');
}

/** Queue text → JSON text: base64 (DTFAS 1.17) or plain JSON (DTFAS 2.x). */
export function fromWire(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return text;
  return Buffer.from(text, 'base64').toString('utf8');
}

/** Parses an envelope's JSON; anything devhost cannot use throws {@link CorruptDataError}. */
export function decodeEnvelope(json: string): DecodedBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    const id = /"InstanceId"\s*:\s*"([^"]+)"/.exec(json)?.[1];
    throw new CorruptDataError(
      id,
      `A queue message is not valid JSON (truncated or foreign): ${preview(json)}`,
    );
  }
  const data = parsed as Record<string, unknown>;
  const task = data.TaskMessage as Record<string, unknown> | undefined | null;
  if ((task === undefined || task === null) && typeof data.CompressedBlobName === 'string') {
    return { kind: 'blob', blobName: data.CompressedBlobName };
  }
  const instance = task?.OrchestrationInstance as Record<string, unknown> | undefined;
  const instanceId = typeof instance?.InstanceId === 'string' ? instance.InstanceId : undefined;
  const event = task?.Event as Record<string, unknown> | undefined;
  if (!instanceId || !event) {
    throw new CorruptDataError(instanceId, `A queue message has no task message: ${preview(json)}`);
  }
  if (typeof event.EventType !== 'number' || EventType[event.EventType] === undefined) {
    throw new CorruptDataError(
      instanceId,
      `A queue message for instance '${instanceId}' has an unknown event type '${String(event.EventType)}'.`,
    );
  }
  const { $type: _eventType, ...historyEvent } = event;
  const sender = data.Sender as Record<string, unknown> | undefined;
  const message: TaskMessage = {
    event: historyEvent as unknown as HistoryEvent,
    orchestrationInstance: {
      InstanceId: instanceId,
      ExecutionId: typeof instance?.ExecutionId === 'string' ? instance.ExecutionId : null,
    },
  };
  if (typeof sender?.InstanceId === 'string' && sender.InstanceId !== '') {
    message.sender = {
      InstanceId: sender.InstanceId,
      ExecutionId: typeof sender.ExecutionId === 'string' ? sender.ExecutionId : '',
    };
  }
  return { kind: 'message', message, activityId: typeof data.ActivityId === 'string' ? data.ActivityId : '' };
}

function preview(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
