/**
 * Maps a request (verb + path below the API base) to one of the Durable HTTP API's routes, with
 * the extension's templates (`HttpApiHandler`): literal segments match case-insensitively, and a
 * known path with an unsupported verb is a route miss (404), not a 405.
 */

export type InstanceOperation = 'terminate' | 'rewind' | 'restart' | 'suspend' | 'resume';

export type ApiRoute =
  | { kind: 'startOrchestration'; functionName: string; instanceId: string | undefined }
  | { kind: 'listInstances' }
  | { kind: 'purgeInstances' }
  | { kind: 'getInstance'; instanceId: string }
  | { kind: 'purgeInstance'; instanceId: string }
  | { kind: 'instanceOperation'; instanceId: string; operation: InstanceOperation }
  | { kind: 'raiseEvent'; instanceId: string; eventName: string }
  | { kind: 'getEntity'; entityName: string; entityKey: string }
  | { kind: 'listEntities'; entityName: string | undefined }
  | {
      kind: 'signalEntity';
      entityName: string | undefined;
      entityKey: string;
      operation: 'fromQuery' | 'delete';
    }
  | { kind: 'makePrimary' }
  | { kind: 'notFound' };

const INSTANCE_OPERATIONS: readonly InstanceOperation[] = [
  'terminate',
  'rewind',
  'restart',
  'suspend',
  'resume',
];
const NOT_FOUND: ApiRoute = { kind: 'notFound' };

/** `rawPath` is the URL path below the base (`/durabletask/` or `/runtime/webhooks/durabletask/`). */
export function matchRoute(method: string, rawPath: string): ApiRoute {
  const trimmed = rawPath.replace(/^\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/').map(decodeSegment);
  if (segments.some((segment) => segment === '')) return NOT_FOUND;
  const verb = method.toUpperCase();
  const [controller, first, second] = segments;
  switch (controller?.toLowerCase()) {
    case 'orchestrators':
      if (first === undefined || segments.length > 3) return NOT_FOUND;
      return verb === 'POST'
        ? { kind: 'startOrchestration', functionName: first, instanceId: second }
        : NOT_FOUND;
    case 'entities':
      if (segments.length > 3) return NOT_FOUND;
      if (verb === 'GET') {
        return second !== undefined
          ? { kind: 'getEntity', entityName: first!, entityKey: second === '$' ? '' : second }
          : { kind: 'listEntities', entityName: first };
      }
      if (verb === 'POST' || verb === 'DELETE') {
        return {
          kind: 'signalEntity',
          entityName: first,
          entityKey: second ?? '',
          operation: verb === 'DELETE' ? 'delete' : 'fromQuery',
        };
      }
      return NOT_FOUND;
    case 'instances':
      return matchInstancesRoute(verb, segments.slice(1));
    case 'makeprimary':
      return segments.length === 1 ? { kind: 'makePrimary' } : NOT_FOUND;
    default:
      return NOT_FOUND;
  }
}

function matchInstancesRoute(verb: string, rest: string[]): ApiRoute {
  const [instanceId, operation, eventName] = rest;
  if (instanceId === undefined) {
    if (verb === 'GET') return { kind: 'listInstances' };
    if (verb === 'DELETE') return { kind: 'purgeInstances' };
    return NOT_FOUND;
  }
  if (operation === undefined) {
    if (verb === 'GET') return { kind: 'getInstance', instanceId };
    if (verb === 'DELETE') return { kind: 'purgeInstance', instanceId };
    return NOT_FOUND;
  }
  if (verb !== 'POST') return NOT_FOUND;
  if (eventName === undefined) {
    const known = INSTANCE_OPERATIONS.find((candidate) => candidate === operation.toLowerCase());
    return known ? { kind: 'instanceOperation', instanceId, operation: known } : NOT_FOUND;
  }
  return rest.length === 3 && operation.toLowerCase() === 'raiseevent'
    ? { kind: 'raiseEvent', instanceId, eventName }
    : NOT_FOUND;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
