/**
 * The HTTP routes of an app's functions, built as the host builds them at start-up: route prefix
 * + (route or function name), built-in paths rejected, conflicts detected; then first match wins,
 * and a method that is not listed makes a route not match (so the request falls through to 404).
 */
import type { RegisteredFunction } from '../worker/types';
import {
  matchRouteTemplate,
  parseRouteTemplate,
  RouteTemplateError,
  type RouteTemplate,
  type RouteValues,
} from './routeTemplate';

export type AuthLevel = 'anonymous' | 'function' | 'admin' | 'system' | 'user';

export interface HttpRoute {
  functionName: string;
  /** The template relative to the prefix, as the function declared it (or its name). */
  route: string;
  /** Full template including the route prefix. */
  template: RouteTemplate;
  /** Upper-case methods; empty = every method. */
  methods: string[];
  authLevel: AuthLevel;
}

export interface RouteMatch {
  route: HttpRoute;
  params: RouteValues;
}

class RouteConfigError extends Error {
  override readonly name = 'RouteConfigError';
}

const authLevels: AuthLevel[] = ['anonymous', 'function', 'admin', 'system', 'user'];

export function isHttpTrigger(fn: RegisteredFunction): boolean {
  return fn.trigger.type.toLowerCase() === 'httptrigger';
}

export function buildRouteTable(functions: readonly RegisteredFunction[], routePrefix: string): HttpRoute[] {
  const prefix = routePrefix.replace(/^\/+|\/+$/g, '');
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    if (!isHttpTrigger(fn)) continue;
    const declared = typeof fn.trigger.route === 'string' ? fn.trigger.route : '';
    const route = (declared.trim() === '' ? fn.name : declared).replace(/^\/+|\/+$/g, '');
    if (/^(admin|runtime)/i.test(route)) {
      throw new RouteConfigError(
        `The route '${route}' of function '${fn.name}' conflicts with one or more built in routes ` +
          `(routes may not start with 'admin' or 'runtime'). Choose another route.`,
      );
    }
    let template: RouteTemplate;
    try {
      template = parseRouteTemplate(prefix === '' ? route : route === '' ? prefix : `${prefix}/${route}`);
    } catch (err) {
      if (err instanceof RouteTemplateError) {
        throw new RouteConfigError(`Function '${fn.name}' has an invalid route: ${err.message}`);
      }
      throw err;
    }
    const methods = Array.isArray(fn.trigger.methods)
      ? (fn.trigger.methods as unknown[]).map((m) => String(m).toUpperCase())
      : [];
    // The host's default is `function`; @azure/functions always sends one (default anonymous).
    const declaredLevel = fn.trigger.authLevel ?? 'function';
    const level = (typeof declaredLevel === 'string' ? declaredLevel.toLowerCase() : '') as AuthLevel;
    if (!authLevels.includes(level)) {
      throw new RouteConfigError(
        `Function '${fn.name}' has authLevel ${JSON.stringify(declaredLevel)}; use anonymous, function or admin.`,
      );
    }
    const candidate: HttpRoute = { functionName: fn.name, route, template, methods, authLevel: level };
    const clash = routes.find((r) => conflicts(r, candidate));
    if (clash) {
      throw new RouteConfigError(
        `The functions '${clash.functionName}' and '${fn.name}' have the same route '${route}' ` +
          `and share a method (${sharedMethods(clash, candidate)}). Give one of them another route or methods.`,
      );
    }
    routes.push(candidate);
  }
  return routes;
}

function conflicts(a: HttpRoute, b: HttpRoute): boolean {
  return a.template.text.toLowerCase() === b.template.text.toLowerCase() && sharedMethods(a, b) !== '';
}

function sharedMethods(a: HttpRoute, b: HttpRoute): string {
  if (a.methods.length === 0) return b.methods.length === 0 ? 'any' : b.methods.join(', ');
  if (b.methods.length === 0) return a.methods.join(', ');
  return a.methods.filter((m) => b.methods.includes(m)).join(', ');
}

/** The first route whose template matches the path and whose methods include `method`. */
export function matchRoute(
  routes: readonly HttpRoute[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const verb = method.toUpperCase();
  for (const route of routes) {
    if (route.methods.length > 0 && !route.methods.includes(verb)) continue;
    const params = matchRouteTemplate(route.template, path);
    if (params) return { route, params };
  }
  return undefined;
}

/**
 * The parameter that an empty segment of `requestPath` leaves without a value, when the path
 * would match the template with a value there: `approvals//response` against
 * `approvals/{instanceId}/response`, or `orders/` against `orders/{orderId}`. Such a path matches
 * nothing (a required parameter never takes an empty value), so the host answers 404; devhost
 * names the parameter in that answer.
 */
export function emptyParameterOf(template: RouteTemplate, requestPath: string): string | undefined {
  const trimmed = requestPath.replace(/^\/+/, '').replace(/\/$/, '');
  const rawSegments = trimmed === '' ? [] : trimmed.split('/');
  if (requestPath.length > 1 && requestPath.endsWith('/')) rawSegments.push('');
  for (let index = 0; index < rawSegments.length; index++) {
    const parameter = template.segments[index]?.simple;
    if (rawSegments[index] !== '' || !parameter || parameter.catchAll) continue;
    const filled = rawSegments.map((raw, i) => (i === index ? 'value' : raw)).join('/');
    if (matchRouteTemplate(template, filled, index)) return parameter.name;
  }
  return undefined;
}

/** A route the path would match, for `method`, if its empty segment held a value, and that parameter. */
export function findEmptyParameter(
  routes: readonly HttpRoute[],
  method: string,
  path: string,
): { route: HttpRoute; parameter: string } | undefined {
  const verb = method.toUpperCase();
  for (const route of routes) {
    if (route.methods.length > 0 && !route.methods.includes(verb)) continue;
    const parameter = emptyParameterOf(route.template, path);
    if (parameter !== undefined) return { route, parameter };
  }
  return undefined;
}
