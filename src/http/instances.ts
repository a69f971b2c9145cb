import { type HttpRequest, type HttpResponse, type HttpResponseInit } from '@azure/functions';
import type * as df from 'durable-functions';
import { errorResponse } from './responses';

/** The client throws on 404; a missing instance is an answer here, not an error. */
export async function findStatus(
  client: df.DurableClient,
  instanceId: string,
  options?: df.GetStatusOptions,
): Promise<df.DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId, options);
  } catch (err) {
    if (err instanceof Error && /\b404\b/.test(err.message)) return undefined;
    throw err;
  }
}

/** 409 for an id already taken, with the running instance's status URLs. */
export function alreadyExists(client: df.DurableClient, what: string, instanceId: string): HttpResponseInit {
  return errorResponse(409, 'AlreadyExists', `${what} already exists; its workflow is ${instanceId}`, [], {
    ...client.createHttpManagementPayload(instanceId),
  });
}

/** Starts an instance and answers 202 with the check-status payload; a lost start race is a 409. */
export async function startAndAccept(
  client: df.DurableClient,
  request: HttpRequest,
  orchestrator: string,
  instanceId: string,
  input: unknown,
  what: string,
): Promise<HttpResponseInit | HttpResponse> {
  try {
    await client.startNew(orchestrator, { instanceId, input });
  } catch (err) {
    // Another request started the same instance a moment ago.
    if (await findStatus(client, instanceId)) return alreadyExists(client, what, instanceId);
    throw err;
  }
  return client.createCheckStatusResponse(request, instanceId);
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
