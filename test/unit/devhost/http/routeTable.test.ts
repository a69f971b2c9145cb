import { buildRouteTable, emptyParameterOf, matchRoute } from '../../../../devhost/src/http/routeTable';
import { matchRouteTemplate, parseRouteTemplate } from '../../../../devhost/src/http/routeTemplate';
import type { RegisteredFunction } from '../../../../devhost/src/worker/types';

function httpFunction(name: string, trigger: Record<string, unknown>): RegisteredFunction {
  const binding = { type: 'httpTrigger', direction: 'in' as const, ...trigger };
  return { name, metadata: { name, bindings: { t: binding } }, triggerBindingName: 't', trigger: binding };
}

describe('route table', () => {
  test('uses the function name when no route is declared, under the prefix', () => {
    const routes = buildRouteTable([httpFunction('hello', { methods: ['GET'] })], 'api');
    expect(routes[0]?.template.text).toBe('api/hello');
    expect(matchRoute(routes, 'get', '/api/hello')?.route.functionName).toBe('hello');
  });

  test('an empty route prefix serves routes at the root', () => {
    const routes = buildRouteTable([httpFunction('hello', { route: '/greet/' })], '');
    expect(matchRoute(routes, 'GET', '/greet')?.route.functionName).toBe('hello');
  });

  test('a function without methods answers every method', () => {
    const routes = buildRouteTable([httpFunction('any', {})], 'api');
    expect(matchRoute(routes, 'PATCH', '/api/any')).toBeDefined();
  });

  test('a method that is not listed falls through to the next route, else no match', () => {
    const routes = buildRouteTable(
      [
        httpFunction('reader', { route: 'things/{id}', methods: ['GET'] }),
        httpFunction('writer', { route: 'things/{id}/', methods: ['PUT'] }),
      ],
      'api',
    );
    expect(matchRoute(routes, 'PUT', '/api/things/1')?.route.functionName).toBe('writer');
    expect(matchRoute(routes, 'POST', '/api/things/1')).toBeUndefined();
  });

  test('the first matching route wins, in registration order', () => {
    const routes = buildRouteTable(
      [httpFunction('specific', { route: 'a/{x:int}' }), httpFunction('general', { route: 'a/{x}' })],
      'api',
    );
    expect(matchRoute(routes, 'GET', '/api/a/1')?.route.functionName).toBe('specific');
    expect(matchRoute(routes, 'GET', '/api/a/b')?.route.functionName).toBe('general');
  });

  test.each(['admin/things', 'Runtime/x', 'administrator'])(
    'a route starting with a built-in path (%p) is rejected',
    (route) => {
      expect(() => buildRouteTable([httpFunction('f', { route })], 'api')).toThrow(
        /conflicts with one or more built in routes/,
      );
    },
  );

  test('two functions with the same route and a shared method conflict, naming both', () => {
    expect(() =>
      buildRouteTable(
        [
          httpFunction('one', { route: 'Orders', methods: ['GET', 'POST'] }),
          httpFunction('two', { route: 'orders', methods: ['POST'] }),
        ],
        'api',
      ),
    ).toThrow("The functions 'one' and 'two' have the same route 'orders' and share a method (POST)");
  });

  test('the same route with disjoint methods is not a conflict', () => {
    expect(
      buildRouteTable(
        [
          httpFunction('one', { route: 'o', methods: ['GET'] }),
          httpFunction('two', { route: 'o', methods: ['DELETE'] }),
        ],
        'api',
      ),
    ).toHaveLength(2);
  });

  test('non-HTTP functions get no route', () => {
    const timer: RegisteredFunction = {
      name: 'tick',
      metadata: { name: 'tick', bindings: {} },
      triggerBindingName: 't',
      trigger: { type: 'timerTrigger', direction: 'in' },
    };
    expect(buildRouteTable([timer], 'api')).toEqual([]);
  });

  test('authLevel defaults to function when absent and an unknown level is rejected', () => {
    expect(buildRouteTable([httpFunction('f', {})], 'api')[0]?.authLevel).toBe('function');
    expect(() => buildRouteTable([httpFunction('f', { authLevel: 'owner' })], 'api')).toThrow(
      /authLevel "owner"/,
    );
  });

  test('an empty segment matches no parameter, and the parameter it leaves empty can be named', () => {
    const route = parseRouteTemplate('api/approvals/{instanceId}/response');
    expect(matchRouteTemplate(route, '/api/approvals//response')).toBeUndefined();
    expect(emptyParameterOf(route, '/api/approvals//response')).toBe('instanceId');
    expect(emptyParameterOf(parseRouteTemplate('api/orders/{orderId}'), '/api/orders/')).toBe('orderId');
    // Constraints do not hide the name; a path that differs elsewhere names nothing.
    expect(emptyParameterOf(parseRouteTemplate('api/items/{id:int}/x'), '/api/items//x')).toBe('id');
    expect(emptyParameterOf(route, '/api/approvals//answer')).toBeUndefined();
    expect(emptyParameterOf(route, '/api/approvals/a-1/response')).toBeUndefined();
    expect(emptyParameterOf(parseRouteTemplate('api/orders'), '/api/orders/')).toBeUndefined();
    expect(emptyParameterOf(parseRouteTemplate('api/files/{*rest}'), '/api/files//a')).toBeUndefined();
  });
});
