import { type z } from 'zod';

/** One problem with an input, named by its field path (`items.0.quantity`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/** Keys that would reach an object's prototype when copied or merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Finds the first forbidden key anywhere in a parsed JSON value, depth-first. */
export function findForbiddenKey(
  value: unknown,
  path: (string | number)[] = [],
): ValidationIssue | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        return { path: formatPath([...path, key]), message: `Key "${key}" is not allowed` };
      }
      const found = findForbiddenKey((value as Record<string, unknown>)[key], [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/** Parses untrusted input: forbidden keys first, then the schema. Never throws. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): ParseResult<z.output<S>> {
  const forbidden = findForbiddenKey(raw);
  if (forbidden) return { ok: false, issues: [forbidden] };
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** Thrown where input was supposed to be valid already (orchestrator and activity inputs). */
export class InvalidInputError extends Error {
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
