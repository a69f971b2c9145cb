import { type z } from 'zod';
import { JSON_MAX_DEPTH } from './limits';

/** One problem with an input, named by its field path (`items.0.quantity`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Keys that would reach an object's prototype when copied or merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a parsed JSON value is refused before any schema sees it. */
export interface UnsafeJson {
  code: 'ForbiddenKey' | 'TooDeep';
  issue: ValidationIssue;
}

/** One value still to visit; the path is kept as parent links and spelled out only when reported. */
interface Visit {
  value: unknown;
  /** The key or index under which the parent holds this value; undefined for the root. */
  key: string | number | undefined;
  parent: Visit | undefined;
  /** Containers enclosing this value, itself excluded. */
  depth: number;
}

function pathOf(visit: Visit): string {
  const keys: (string | number)[] = [];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) keys.push(v.key);
  return formatPath(keys.reverse());
}

/**
 * Finds the first forbidden key, or the first object or array nested deeper than
 * JSON_MAX_DEPTH, in document order. Iterative and linear in the size of the value: a hostile
 * body nested 100,000 levels costs no stack, and nothing below the limit is visited.
 */
export function findUnsafeJson(root: unknown): UnsafeJson | undefined {
  const pending: Visit[] = [{ value: root, key: undefined, parent: undefined, depth: 0 }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value, key, depth } = visit;
    // A key is checked when its value's turn comes, so the order matches a recursive walk.
    if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) {
      return { code: 'ForbiddenKey', issue: { path: pathOf(visit), message: `Key "${key}" is not allowed` } };
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= JSON_MAX_DEPTH) {
      return {
        code: 'TooDeep',
        issue: { path: pathOf(visit), message: `Nested deeper than ${JSON_MAX_DEPTH} levels` },
      };
    }
    // Children are pushed last to first so that the first is visited first. An array's scalars
    // have no key to check and no depth to pass: they are skipped, so a 100,000-element array of
    // numbers costs no allocation per element.
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const child = value[i] as unknown;
        if (child !== null && typeof child === 'object') {
          pending.push({ value: child, key: i, parent: visit, depth: depth + 1 });
        }
      }
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = keys[i]!;
        pending.push({
          value: (value as Record<string, unknown>)[child],
          key: child,
          parent: visit,
          depth: depth + 1,
        });
      }
    }
  }
  return undefined;
}

/** The issue of findUnsafeJson: a forbidden key, or nesting too deep for its keys to be checked. */
export function findForbiddenKey(value: unknown): ValidationIssue | undefined {
  return findUnsafeJson(value)?.issue;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/** Parses untrusted input: forbidden keys and nesting first, then the schema. Never throws. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): ParseResult<z.output<S>> {
  const unsafe = findUnsafeJson(raw);
  if (unsafe) return { ok: false, issues: [unsafe.issue] };
  return parseSafeJson(schema, raw);
}

/** The schema's verdict on a value `findUnsafeJson` has already passed. Never throws. */
export function parseSafeJson<S extends z.ZodType>(schema: S, raw: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** Thrown where input was supposed to be valid already (orchestrator and activity inputs). */
class InvalidInputError extends Error {
  constructor(
    readonly what: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`Invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidInputError';
  }
}

/** Parses or throws InvalidInputError naming the fields at fault. */
export function parseOrThrow<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const result = parseInput(schema, raw);
  if (!result.ok) throw new InvalidInputError(what, result.issues);
  return result.value;
}

/** A readable message from anything thrown (task failures arrive as Error subclasses). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
