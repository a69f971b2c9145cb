/**
 * Instance routes of the Durable HTTP API: status, list, purge, raise event, terminate, suspend,
 * resume, rewind. Status codes and bodies follow the extension's `HttpApiHandler` handlers.
 */
import { isTerminal } from '../../protocol/history';
import type { ApiContext, ApiRequest } from './apiContext';
import type { InstanceQuery, OperationResult } from './operations';
import { parseBoolean, parseDateTime, parseInt32, parseRuntimeStatuses } from './query';
import { mediaType, parseJsonToken } from './requestBody';
import { emptyResponse, errorResponse, ExceptionType, jsonResponse, type ApiResponse } from './responses';
import { toStatusResponse } from './statusResponse';

const CONTINUATION_HEADER = 'x-ms-continuation-token';

export async function getInstanceStatus(
  ctx: ApiContext,
  req: ApiRequest,
  instanceId: string,
  returnInternalServerErrorOnFailure?: boolean,
): Promise<ApiResponse> {
  const status = await ctx.operations.getStatus(instanceId, {
    showHistory: parseBoolean(req.query.get('showHistory')) ?? false,
    showHistoryOutput: parseBoolean(req.query.get('showHistoryOutput')) ?? false,
    showInput: parseBoolean(req.query.get('showInput')) ?? true,
  });
  if (!status) return emptyResponse(404);
  const body = toStatusResponse(status);
  switch (status.runtimeStatus) {
    case 'Running':
    case 'Pending':
    case 'ContinuedAsNew':
    case 'Suspended':
      // Retry-After asks polling clients not to spin.
      return jsonResponse(202, body, { Location: req.url, 'Retry-After': '5' });
    case 'Failed': {
      const asError =
        returnInternalServerErrorOnFailure ??
        parseBoolean(req.query.get('returnInternalServerErrorOnFailure')) ??
        false;
      return jsonResponse(asError ? 500 : 200, body);
    }
    default:
      return jsonResponse(200, body);
  }
}

export async function listInstances(ctx: ApiContext, req: ApiRequest): Promise<ApiResponse> {
  const top = parseInt32(req.query.get('top'));
  const query: InstanceQuery = definedOnly({
    instanceIdPrefix: req.query.get('instanceIdPrefix'),
    createdTimeFrom: parseDateTime(req.query.get('createdTimeFrom')),
    createdTimeTo: parseDateTime(req.query.get('createdTimeTo')),
    runtimeStatus: parseRuntimeStatuses(req.query.getAll('runtimeStatus')),
    showInput: parseBoolean(req.query.get('showInput')),
    top: top !== undefined && top > 0 ? top : undefined,
    continuationToken: continuationToken(req),
  });
  const page = await ctx.operations.listInstances(query);
  return jsonResponse(200, page.items.map(toStatusResponse), continuationHeaders(page.continuationToken));
}

export async function purgeInstance(ctx: ApiContext, instanceId: string): Promise<ApiResponse> {
  const deleted = await ctx.operations.purge(instanceId);
  return deleted === 0 ? emptyResponse(404) : jsonResponse(200, { instancesDeleted: deleted });
}

export async function purgeInstances(ctx: ApiContext, req: ApiRequest): Promise<ApiResponse> {
  const createdTimeFrom = parseDateTime(req.query.get('createdTimeFrom'));
  if (!createdTimeFrom) {
    // The extension answers with a bare JSON string here, not an error object.
    return jsonResponse(400, "Please provide value for 'createdTimeFrom' parameter.");
  }
  const deleted = await ctx.operations.purgeBy(
    definedOnly({
      createdTimeFrom,
      createdTimeTo: parseDateTime(req.query.get('createdTimeTo')) ?? new Date(ctx.clock.now()),
      runtimeStatus: parseRuntimeStatuses(req.query.getAll('runtimeStatus')),
    }),
  );
  return deleted === 0 ? emptyResponse(404) : jsonResponse(200, { instancesDeleted: deleted });
}

export async function raiseEvent(
  ctx: ApiContext,
  req: ApiRequest,
  instanceId: string,
  eventName: string,
): Promise<ApiResponse> {
  // The extension looks at the instance before it looks at the body: 404/410 win over 400.
  const status = await ctx.operations.getStatus(instanceId, { showInput: false });
  if (!status) return emptyResponse(404);
  if (isTerminal(status.runtimeStatus)) return emptyResponse(410);
  if (mediaType(req.headers['content-type']) !== 'application/json') {
    return errorResponse(400, 'Only application/json request content is supported');
  }
  const input = parseJsonToken(req.body.toString('utf8'));
  if (!input.ok) {
    return errorResponse(400, 'Invalid JSON content', {
      message: input.error,
      type: ExceptionType.jsonReader,
    });
  }
  return operationResponse(await ctx.operations.raiseEvent(instanceId, eventName, input.json));
}

export async function changeInstanceState(
  ctx: ApiContext,
  req: ApiRequest,
  instanceId: string,
  operation: 'terminate' | 'suspend' | 'resume' | 'rewind',
): Promise<ApiResponse> {
  const reason = req.query.get('reason') ?? null;
  return operationResponse(await ctx.operations[operation](instanceId, reason));
}

function operationResponse(result: OperationResult): ApiResponse {
  switch (result) {
    case 'notFound':
      return emptyResponse(404);
    case 'gone':
      return emptyResponse(410);
    default:
      return emptyResponse(202);
  }
}

export function continuationToken(req: ApiRequest): string | undefined {
  const token = req.headers[CONTINUATION_HEADER]?.trim();
  return token ? token : undefined;
}

/** Only when there is a next page: any value, even an empty one, would make some clients loop. */
export function continuationHeaders(token: string | undefined): Record<string, string> {
  return token ? { [CONTINUATION_HEADER]: token } : {};
}

export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
