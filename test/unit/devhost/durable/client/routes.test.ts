import { matchRoute } from '../../../../../devhost/src/durable/client/routes';

describe('matchRoute', () => {
  it.each([
    [
      'POST',
      '/orchestrators/hello',
      { kind: 'startOrchestration', functionName: 'hello', instanceId: undefined },
    ],
    [
      'POST',
      'Orchestrators/hello/id%201/',
      { kind: 'startOrchestration', functionName: 'hello', instanceId: 'id 1' },
    ],
    ['GET', 'instances', { kind: 'listInstances' }],
    ['GET', 'instances/', { kind: 'listInstances' }],
    ['DELETE', 'instances/', { kind: 'purgeInstances' }],
    ['GET', 'instances/abc', { kind: 'getInstance', instanceId: 'abc' }],
    ['DELETE', 'instances/abc', { kind: 'purgeInstance', instanceId: 'abc' }],
    [
      'POST',
      'instances/abc/Terminate',
      { kind: 'instanceOperation', instanceId: 'abc', operation: 'terminate' },
    ],
    ['POST', 'instances/abc/restart', { kind: 'instanceOperation', instanceId: 'abc', operation: 'restart' }],
    ['POST', 'instances/abc/raiseevent/Go', { kind: 'raiseEvent', instanceId: 'abc', eventName: 'Go' }],
    ['GET', 'entities', { kind: 'listEntities', entityName: undefined }],
    ['GET', 'entities/Counter', { kind: 'listEntities', entityName: 'Counter' }],
    ['GET', 'entities/Counter/k', { kind: 'getEntity', entityName: 'Counter', entityKey: 'k' }],
    ['GET', 'entities/Counter/$', { kind: 'getEntity', entityName: 'Counter', entityKey: '' }],
    [
      'POST',
      'entities/Counter',
      { kind: 'signalEntity', entityName: 'Counter', entityKey: '', operation: 'fromQuery' },
    ],
    [
      'DELETE',
      'entities/c/k',
      { kind: 'signalEntity', entityName: 'c', entityKey: 'k', operation: 'delete' },
    ],
    ['OPTIONS', 'makeprimary', { kind: 'makePrimary' }],
  ])('maps %s %s', (method, path, route) => {
    expect(matchRoute(method, path)).toEqual(route);
  });

  it.each([
    ['GET', 'orchestrators/hello'],
    ['POST', 'orchestrators'],
    ['POST', 'orchestrators/a/b/c'],
    ['PUT', 'instances/'],
    ['POST', 'instances/abc'],
    ['GET', 'instances/abc/terminate'],
    ['POST', 'instances/abc/unknown'],
    ['POST', 'instances/abc/raiseEvent'],
    ['POST', 'instances/abc/notRaise/e'],
    ['PUT', 'entities/c/k'],
    ['GET', 'entities/a/b/c'],
    ['GET', 'instances//terminate'],
    ['GET', ''],
    ['GET', 'other'],
  ])('does not match %s %s', (method, path) => {
    expect(matchRoute(method, path)).toEqual({ kind: 'notFound' });
  });
});
