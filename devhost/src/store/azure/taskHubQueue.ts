/**
 * One task hub queue (control or work items): DTF envelopes on the wire, messages that never
 * expire, large envelopes in blobs, visibility in whole seconds capped at Azure's 7 days.
 */
import type { QueueClient } from '@azure/storage-queue';
import { EventType } from '../../protocol/history';
import type { TaskMessage } from '../taskHubStore';
import { CorruptDataError } from './corruptData';
import type { LargeBlobs } from './largeBlobs';
import type { LeanQueueCalls } from './leanQueueCalls';
import { blobPointerJson, decodeEnvelope, encodeEnvelope, fromWire, toWire } from './messageEnvelope';
import type { StorageCalls } from './storageCalls';
import { statusOf } from './trackingStore';

/** Envelopes above this many UTF-8 bytes go to a blob (DTFAS `MaxMessageSizeInBytes`-ish limit). */
const LARGE_MESSAGE_BYTES = 45 * 1024;
/** Azure Queue's longest visibility timeout, less a second. */
const MAX_VISIBILITY_MS = 7 * 86_400_000 - 1000;

export interface FetchedMessage {
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  insertedAt: number;
  /** Absent when the body could not be read (see `error`). */
  message?: TaskMessage;
  error?: CorruptDataError;
  /** The blob holding a large message, deleted with it. */
  blobName?: string;
}

function visibilitySeconds(ms: number): number {
  return Math.max(0, Math.ceil(Math.min(ms, MAX_VISIBILITY_MS) / 1000));
}

export type DeleteOutcome = 'deleted' | 'gone' | 'stale';

export class TaskHubQueue {
  constructor(
    readonly client: QueueClient,
    private readonly blobs: LargeBlobs,
    private readonly calls: StorageCalls,
    /** Sends and deletes as bare signed requests, when the account key is known. */
    private readonly lean?: LeanQueueCalls,
    /** The same queue for reads (a client that does not retry them: the caller reads again). */
    private readonly reads: QueueClient = client,
  ) {}

  get name(): string {
    return this.client.name;
  }

  /** Sends a message; one too large for a queue goes to a blob (`blobName`) the message points at. */
  async send(
    message: TaskMessage,
    delayMs: number,
  ): Promise<{ messageId: string; popReceipt: string; blobName?: string }> {
    const { json, activityId } = encodeEnvelope(message);
    let body = json;
    let blobName: string | undefined;
    if (Buffer.byteLength(json, 'utf8') > LARGE_MESSAGE_BYTES) {
      const type = EventType[message.event.EventType];
      const name = `${message.orchestrationInstance.InstanceId}/message-${activityId.replace(/-/g, '')}-${type}.json.gz`;
      await this.calls.run('blob', 'write', () => this.blobs.upload(name, json));
      body = blobPointerJson(name);
      blobName = name;
    }
    const { lean } = this;
    const sent = lean
      ? await this.calls.run('queue', 'write', () =>
          lean.send(this.client.url, toWire(body), visibilitySeconds(delayMs)),
        )
      : await this.calls.run('queue', 'write', () =>
          this.client.sendMessage(toWire(body), {
            messageTimeToLive: -1,
            visibilityTimeout: visibilitySeconds(delayMs),
          }),
        );
    const ids = { messageId: sent.messageId, popReceipt: sent.popReceipt };
    return blobName === undefined ? ids : { ...ids, blobName };
  }

  async receive(count: number, visibilityMs: number): Promise<FetchedMessage[]> {
    const response = await this.calls.run('queue', 'write', () =>
      this.reads.receiveMessages({
        numberOfMessages: count,
        visibilityTimeout: Math.max(1, visibilitySeconds(visibilityMs)),
      }),
    );
    return Promise.all(
      response.receivedMessageItems.map(async (item): Promise<FetchedMessage> => {
        const fetched: FetchedMessage = {
          messageId: item.messageId,
          popReceipt: item.popReceipt,
          dequeueCount: item.dequeueCount,
          insertedAt: item.insertedOn.getTime(),
        };
        try {
          const decoded = decodeEnvelope(fromWire(item.messageText));
          if (decoded.kind === 'blob') {
            fetched.blobName = decoded.blobName;
            // Large-message blobs are named `<instanceId>/message-…`, so a lost one still names its instance.
            const owner = decoded.blobName.split('/')[0];
            const blobName = decoded.blobName;
            const text = await this.calls.run('blob', 'read', () => this.blobs.download(blobName, owner));
            const inner = decodeEnvelope(text);
            if (inner.kind !== 'message')
              throw new CorruptDataError(undefined, 'A large message points at another blob.');
            fetched.message = inner.message;
          } else {
            fetched.message = decoded.message;
          }
        } catch (error) {
          if (!(error instanceof CorruptDataError)) throw error;
          fetched.error = error;
        }
        return fetched;
      }),
    );
  }

  /**
   * Sets a held message's visibility; returns its new pop receipt, or undefined if it is gone.
   * `abortSignal` ends the call (and the client's retries) early.
   */
  async hide(
    messageId: string,
    popReceipt: string,
    visibilityMs: number,
    abortSignal?: AbortSignal,
  ): Promise<string | undefined> {
    try {
      const updated = await this.calls.run('queue', 'background', () =>
        this.client.updateMessage(messageId, popReceipt, undefined, visibilitySeconds(visibilityMs), {
          abortSignal,
        }),
      );
      return updated.popReceipt;
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 400) return undefined;
      throw error;
    }
  }

  /**
   * `gone` when the message is not there (deleted before); `stale` when it was received again
   * since `popReceipt` (Azure's PopReceiptMismatch, 400): it is still in its queue. A function
   * gives the receipt when the call goes out rather than when it is queued: a delete can wait
   * behind thousands of others, longer than the message stays hidden, and a read meanwhile
   * brings a new receipt.
   */
  async delete(
    messageId: string,
    popReceipt: string | (() => string),
    blobName?: string,
  ): Promise<DeleteOutcome> {
    try {
      const { lean } = this;
      await this.calls.run('queue', 'background', async () => {
        const receipt = typeof popReceipt === 'string' ? popReceipt : popReceipt();
        if (lean) await lean.delete(this.client.url, messageId, receipt);
        else await this.client.deleteMessage(messageId, receipt);
      });
    } catch (error) {
      if (statusOf(error) === 404) return 'gone';
      if (statusOf(error) === 400) return 'stale';
      throw error;
    }
    if (blobName !== undefined) await this.calls.run('blob', 'background', () => this.blobs.delete(blobName));
    return 'deleted';
  }
}
