import { type HttpResponseInit } from '@azure/functions';
import type * as df from 'durable-functions';
import { clip, errorMessage, isInstanceId } from '../domain';
import { type ClientLinks, clientLinks } from './links';
import { errorResponse } from './responses';

/**
 * The client builds its request URL from the instance id as given, so an id is checked here
 * again even though every route validates it first: a raw `?` or `#` would address another
 * resource, an empty id the listing of every instance.
 */
function checkedId(instanceId: string): string {
  if (!isInstanceId(instanceId)) throw new Error('Refusing an unvalidated instance id');
  return instanceId;
}

/**
 * The client throws on 404; a missing instance is an answer here, not an error. Other failures
 * carry the host's answer in their message, so they are rethrown clipped: an error message ends
 * up in logs and must stay bounded.
 */
export async function findStatus(
  client: df.DurableClient,
  instanceId: string,
  options?: df.GetStatusOptions,
): Promise<df.DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(checkedId(instanceId), options);
  } catch (err) {
    const message = errorMessage(err);
    if (/\b404\b/.test(message)) return undefined;
    throw new Error(`Reading the status of ${instanceId} failed: ${clip(message)}`);
  }
}

/** 202 with the app's own links; Location is the app's status resource. */
function accepted(links: ClientLinks): HttpResponseInit {
  return { status: 202, jsonBody: links, headers: { Location: links.statusQueryGetUri } };
}

/** 409 for an id already taken, with the app's links to the existing workflow. */
export function alreadyExists(what: string, instanceId: string, resourcePath?: string): HttpResponseInit {
  return errorResponse(409, 'AlreadyExists', `${what} already exists; its workflow is ${instanceId}`, [], {
    ...clientLinks(instanceId, resourcePath),
  });
}

export interface StartRequest {
  orchestrator: string;
  instanceId: string;
  input: unknown;
  /** Named in the 409 message: "Order o-1 already exists". */
  what: string;
  resourcePath?: string;
  /** Runs when this request did not start the instance (another one did, or the start failed). */
  onNotStarted?: () => Promise<void>;
}

/**
 * Starts an instance and answers 202 with the app's links; a start that fails because the
 * instance exists is a 409. Only one start of an id succeeds, so only one request gets a 202.
 */
export async function startAndAccept(
  client: df.DurableClient,
  start: StartRequest,
): Promise<HttpResponseInit> {
  const { orchestrator, instanceId, input, what, resourcePath, onNotStarted } = start;
  try {
    await client.startNew(orchestrator, { instanceId: checkedId(instanceId), input });
  } catch (err) {
    await onNotStarted?.();
    // Another request started the same instance a moment ago.
    if (await findStatus(client, instanceId)) return alreadyExists(what, instanceId, resourcePath);
    throw new Error(`Starting ${instanceId} failed: ${clip(errorMessage(err))}`);
  }
  return accepted(clientLinks(instanceId, resourcePath));
}

export function statusView(status: df.DurableOrchestrationStatus): Record<string, unknown> {
  return {
    instanceId: status.instanceId,
    name: status.name,
    runtimeStatus: status.runtimeStatus,
    createdTime: toIso(status.createdTime),
    lastUpdatedTime: toIso(status.lastUpdatedTime),
    output: status.output ?? null,
    customStatus: status.customStatus ?? null,
  };
}

function toIso(value: unknown): unknown {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value;
}
