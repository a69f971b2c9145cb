/**
 * Entity routes of the Durable HTTP API: read one entity's state, list entities, signal an
 * operation (POST, or `delete` for DELETE). Entity names are lower-cased, as the extension's
 * `EntityId` does; keys are case-sensitive.
 */
import type { ApiContext, ApiRequest } from './apiContext';
import { continuationHeaders, continuationToken, definedOnly } from './instanceHandlers';
import { parseBoolean, parseDateTime, parseInt32 } from './query';
import { mediaType, parseJsonToken } from './requestBody';
import { emptyResponse, errorResponse, jsonResponse, type ApiResponse } from './responses';
import { parseStoredJson } from './statusResponse';

const MISSING_ENTITY_NAME =
  "Invalid entity id: entity name must not be a null or empty string. (Parameter 'entityName')";

export async function getEntity(
  ctx: ApiContext,
  entityName: string,
  entityKey: string,
): Promise<ApiResponse> {
  const entity = await ctx.operations.readEntityState(entityName.toLowerCase(), entityKey);
  return entity.exists ? jsonResponse(200, parseStoredJson(entity.state)) : emptyResponse(404);
}

export async function listEntities(
  ctx: ApiContext,
  req: ApiRequest,
  entityName: string | undefined,
): Promise<ApiResponse> {
  const top = parseInt32(req.query.get('top'));
  const fetchState = parseBoolean(req.query.get('fetchState')) ?? false;
  const page = await ctx.operations.listEntities(
    definedOnly({
      name: entityName?.toLowerCase(),
      fetchState,
      top: top !== undefined && top > 0 ? top : undefined,
      lastOperationTimeFrom: parseDateTime(req.query.get('lastOperationTimeFrom')),
      lastOperationTimeTo: parseDateTime(req.query.get('lastOperationTimeTo')),
      continuationToken: continuationToken(req),
    }),
  );
  const items = page.items.map((entity) => ({
    entityId: { name: entity.name, key: entity.key },
    lastOperationTime: entity.lastOperationTime,
    state: fetchState ? parseStoredJson(entity.state) : null,
  }));
  return jsonResponse(200, items, continuationHeaders(page.continuationToken));
}

export async function signalEntity(
  ctx: ApiContext,
  req: ApiRequest,
  entityName: string | undefined,
  entityKey: string,
  operation: 'fromQuery' | 'delete',
): Promise<ApiResponse> {
  if (!entityName) return errorResponse(400, MISSING_ENTITY_NAME);
  const operationName = operation === 'delete' ? 'delete' : (req.query.get('op') ?? '');
  let input: string | null = null;
  if (req.body.length > 0) {
    const text = req.body.toString('utf8');
    if (mediaType(req.headers['content-type']) === 'application/json') {
      const parsed = parseJsonToken(text);
      if (!parsed.ok) return errorResponse(400, `Could not parse JSON content: ${parsed.error}`);
      input = parsed.json;
    } else {
      // Any other content type is the operation input as a plain string.
      input = JSON.stringify(text);
    }
  }
  await ctx.operations.signalEntity(entityName.toLowerCase(), entityKey, operationName, input);
  return emptyResponse(202);
}
