/**
 * The Durable HTTP API request handler: one function from request to response, shared by the
 * loopback RPC listener and the public webhook mount (as the extension serves both with one
 * handler). Failures map to the extension's responses: argument errors → 400, anything else → 500,
 * with the `HttpError` bodies of `HttpApiHandler.HandleRequestAsync`.
 */
import type { ApiContext, ApiRequest } from './apiContext';
import { getEntity, listEntities, signalEntity } from './entityHandlers';
import {
  changeInstanceState,
  getInstanceStatus,
  listInstances,
  purgeInstance,
  purgeInstances,
  raiseEvent,
} from './instanceHandlers';
import { DurableOperationError } from './operations';
import {
  emptyResponse,
  errorResponse,
  ExceptionType,
  GENERIC_BAD_REQUEST,
  GENERIC_SERVER_ERROR,
  type ApiResponse,
} from './responses';
import { matchRoute, type ApiRoute } from './routes';
import { restartInstance, startOrchestration } from './startHandlers';

export type DurableApiHandler = (req: ApiRequest) => Promise<ApiResponse>;

export function createDurableApiHandler(ctx: ApiContext): DurableApiHandler {
  return async (req) => {
    const route = matchRoute(req.method, req.path);
    if (route.kind === 'notFound') return emptyResponse(404);
    const hubError = checkTaskHub(ctx, req);
    if (hubError) return hubError;
    try {
      return await dispatch(ctx, req, route);
    } catch (error) {
      return failureResponse(ctx, route, error);
    }
  };
}

function dispatch(ctx: ApiContext, req: ApiRequest, route: Exclude<ApiRoute, { kind: 'notFound' }>) {
  switch (route.kind) {
    case 'startOrchestration':
      return startOrchestration(ctx, req, route.functionName, route.instanceId);
    case 'listInstances':
      return listInstances(ctx, req);
    case 'purgeInstances':
      return purgeInstances(ctx, req);
    case 'getInstance':
      return getInstanceStatus(ctx, req, route.instanceId);
    case 'purgeInstance':
      return purgeInstance(ctx, route.instanceId);
    case 'raiseEvent':
      return raiseEvent(ctx, req, route.instanceId, route.eventName);
    case 'instanceOperation':
      return route.operation === 'restart'
        ? restartInstance(ctx, req, route.instanceId)
        : changeInstanceState(ctx, req, route.instanceId, route.operation);
    case 'getEntity':
      return getEntity(ctx, route.entityName, route.entityKey);
    case 'listEntities':
      return listEntities(ctx, req, route.entityName);
    case 'signalEntity':
      return signalEntity(ctx, req, route.entityName, route.entityKey, route.operation);
    case 'makePrimary':
      // The app-lease feature has nothing to hand over in a single local host.
      return Promise.resolve(emptyResponse(200));
  }
}

/**
 * devhost serves one task hub. The extension would open a client on any hub named in `taskHub`;
 * here naming another hub is a clear 400 rather than a silent 404 from an empty hub.
 */
function checkTaskHub(ctx: ApiContext, req: ApiRequest): ApiResponse | undefined {
  const requested = req.query.get('taskHub')?.trim();
  if (!requested || requested.toLowerCase() === ctx.taskHubName.toLowerCase()) return undefined;
  return errorResponse(
    400,
    `The taskHub parameter names '${requested}', but this host serves the task hub '${ctx.taskHubName}'. ` +
      `Leave taskHub out or set it to '${ctx.taskHubName}'.`,
  );
}

function failureResponse(ctx: ApiContext, route: ApiRoute, error: unknown): ApiResponse {
  if (error instanceof DurableOperationError) {
    switch (error.code) {
      case 'unknownOrchestrator':
      case 'invalidInstanceId':
      case 'invalidEntityId':
        // Entity routes answer argument errors with the bare message, everything else generically.
        return route.kind === 'signalEntity' || route.kind === 'getEntity' || route.kind === 'listEntities'
          ? errorResponse(400, error.message)
          : errorResponse(400, GENERIC_BAD_REQUEST, { message: error.message, type: ExceptionType.argument });
      case 'instanceExists':
        return errorResponse(500, GENERIC_SERVER_ERROR, {
          message: error.message,
          type: ExceptionType.alreadyExists,
        });
      case 'invalidState':
        return errorResponse(500, GENERIC_SERVER_ERROR, {
          message: error.message,
          type: ExceptionType.invalidOperation,
        });
    }
  }
  const failure = error instanceof Error ? error : new Error(String(error));
  ctx.log(`Durable HTTP API: ${route.kind} failed: ${failure.stack ?? failure.message}`);
  return errorResponse(500, GENERIC_SERVER_ERROR, { message: failure.message, type: failure.name });
}
