/**
 * ASP.NET Core route templates as the Functions host uses them for HTTP triggers: literal
 * segments (case-insensitive), `{name}`, optional `{name?}`, defaults `{name=value}`, catch-all
 * `{*rest}`, inline constraints, and complex segments such as `{file}.{ext}`. Pure: parse once at
 * start-up, then match request paths.
 */
import { createConstraint, RouteTemplateError, type RouteConstraint } from './routeConstraints';

export { RouteTemplateError };

interface Parameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: RouteConstraint[];
}

type Part = { kind: 'literal'; text: string } | { kind: 'parameter'; parameter: Parameter };

interface Segment {
  parts: Part[];
  /** A segment that is exactly one parameter (the common case, matched without a regex). */
  simple: Parameter | undefined;
  pattern: RegExp | undefined;
}

export interface RouteTemplate {
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly parameterNames: readonly string[];
}

export function parseRouteTemplate(text: string): RouteTemplate {
  const trimmed = text.replace(/^\/+|\/+$/g, '');
  const rawSegments = trimmed === '' ? [] : splitSegments(trimmed, text);
  const names = new Set<string>();
  const segments = rawSegments.map((raw, index) => {
    if (raw === '') throw new RouteTemplateError(`The route template '${text}' has an empty segment ('//').`);
    const parts = parseSegment(raw, text);
    for (const part of parts) {
      if (part.kind !== 'parameter') continue;
      const key = part.parameter.name.toLowerCase();
      if (names.has(key)) {
        throw new RouteTemplateError(
          `The route parameter '${part.parameter.name}' appears twice in '${text}'.`,
        );
      }
      names.add(key);
      if (part.parameter.catchAll && index !== rawSegments.length - 1) {
        throw new RouteTemplateError(`The catch-all parameter in '${text}' must be in the last segment.`);
      }
    }
    const simple = parts.length === 1 && parts[0]?.kind === 'parameter' ? parts[0].parameter : undefined;
    if (
      !simple &&
      parts.some((p) => p.kind === 'parameter' && (p.parameter.catchAll || p.parameter.optional))
    ) {
      const last = parts[parts.length - 1];
      const onlyTrailingOptional =
        last?.kind === 'parameter' &&
        last.parameter.optional &&
        parts.filter((p) => p.kind === 'parameter' && p.parameter.optional).length === 1 &&
        !parts.some((p) => p.kind === 'parameter' && p.parameter.catchAll);
      if (!onlyTrailingOptional) {
        throw new RouteTemplateError(
          `In '${text}', a segment with several parts may only end with an optional parameter (no catch-all).`,
        );
      }
    }
    return { parts, simple, pattern: simple ? undefined : segmentPattern(parts) };
  });
  // Once an optional (or catch-all) segment appears, every later segment must be optional too.
  let sawOptional = false;
  for (const segment of segments) {
    const optional = isOptionalSegment(segment);
    if (sawOptional && !optional) {
      throw new RouteTemplateError(
        `In '${text}', an optional parameter must be at the end: segments after it must be optional too.`,
      );
    }
    sawOptional ||= optional;
  }
  return {
    text,
    segments,
    parameterNames: segments.flatMap((s) =>
      s.parts.flatMap((p) => (p.kind === 'parameter' ? [p.parameter.name] : [])),
    ),
  };
}

function isOptionalSegment(segment: Segment): boolean {
  const p = segment.simple;
  return p !== undefined && (p.optional || p.catchAll || p.defaultValue !== undefined);
}

/** Splits on '/' outside braces (a regex constraint may contain '/'). */
function splitSegments(template: string, original: string): string[] {
  const segments: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '{') {
      if (depth === 0 && template[i + 1] === '{') {
        current += '{{';
        i++;
        continue;
      }
      depth++;
    } else if (ch === '}') {
      if (depth === 0 && template[i + 1] === '}') {
        current += '}}';
        i++;
        continue;
      }
      depth = Math.max(0, depth - 1);
    }
    if (ch === '/' && depth === 0) {
      segments.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new RouteTemplateError(`The route template '${original}' has an unclosed '{'.`);
  segments.push(current);
  return segments;
}

function parseSegment(raw: string, original: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch === '{' && raw[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (ch === '}' && raw[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (ch === '{') {
      const end = findParameterEnd(raw, i + 1);
      if (end < 0) throw new RouteTemplateError(`The route template '${original}' has an unclosed '{'.`);
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      const previous = parts[parts.length - 1];
      if (previous?.kind === 'parameter') {
        throw new RouteTemplateError(
          `In '${original}', two parameters in one segment must be separated by a literal.`,
        );
      }
      parts.push({ kind: 'parameter', parameter: parseParameter(raw.slice(i + 1, end), original) });
      i = end + 1;
    } else if (ch === '}') {
      throw new RouteTemplateError(`The route template '${original}' has an unmatched '}'.`);
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

/** The index of the '}' closing a parameter; '}}' inside a constraint is an escaped brace. */
function findParameterEnd(raw: string, from: number): number {
  let parens = 0;
  for (let i = from; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '(') parens++;
    else if (ch === ')') parens = Math.max(0, parens - 1);
    else if (ch === '}') {
      if (raw[i + 1] === '}') {
        i++;
        continue;
      }
      if (parens === 0 || raw.indexOf('}', i + 1) < 0) return i;
    }
  }
  return -1;
}

function parseParameter(body: string, original: string): Parameter {
  let text = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  let catchAll = false;
  if (text.startsWith('**')) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith('*')) {
    catchAll = true;
    text = text.slice(1);
  }
  const nameMatch = /^[^:=?]+/.exec(text);
  const name = nameMatch?.[0].trim() ?? '';
  if (name === '' || /[{}/]/.test(name)) {
    throw new RouteTemplateError(`The route template '${original}' has a parameter without a valid name.`);
  }
  let rest = text.slice(nameMatch![0].length);
  let optional = false;
  let defaultValue: string | undefined;
  const constraints: RouteConstraint[] = [];
  while (rest.startsWith(':')) {
    const [constraintText, remaining] = readConstraint(rest.slice(1));
    const m = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(constraintText);
    if (!m)
      throw new RouteTemplateError(
        `The route constraint ':${constraintText}' in '${original}' is malformed.`,
      );
    const args = m[2] === undefined ? undefined : m[1]!.toLowerCase() === 'regex' ? [m[2]] : m[2].split(',');
    constraints.push(createConstraint(m[1]!, args));
    rest = remaining;
  }
  if (rest.startsWith('=')) {
    defaultValue = rest.slice(1);
    rest = '';
  }
  if (rest === '?') {
    optional = true;
    rest = '';
  }
  if (rest !== '') {
    throw new RouteTemplateError(
      `The route parameter '{${body}}' in '${original}' is malformed near '${rest}'.`,
    );
  }
  if (optional && defaultValue !== undefined) {
    throw new RouteTemplateError(
      `The route parameter '${name}' in '${original}' cannot be optional and have a default.`,
    );
  }
  return { name, optional, catchAll, defaultValue, constraints };
}

/** Reads one constraint up to the next ':', '=' or '?' that is outside parentheses. */
function readConstraint(text: string): [string, string] {
  let parens = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') parens++;
    else if (ch === ')') parens = Math.max(0, parens - 1);
    else if (parens === 0 && (ch === ':' || ch === '=' || (ch === '?' && i === text.length - 1))) {
      return [text.slice(0, i), text.slice(i)];
    }
  }
  return [text, ''];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function segmentPattern(parts: Part[]): RegExp {
  const pieces = parts.map((part) => {
    if (part.kind === 'literal') return escapeRegex(part.text);
    return part.parameter.optional ? '(.*?)' : '(.+?)';
  });
  // `{file}.{ext?}` also matches `file`: the literal before a trailing optional goes with it.
  const last = parts[parts.length - 1];
  if (last?.kind === 'parameter' && last.parameter.optional && parts.length >= 2) {
    const tail = pieces.splice(pieces.length - 2, 2).join('');
    pieces.push(`(?:${tail})?`);
  }
  return new RegExp(`^${pieces.join('')}$`, 'is');
}

/** Route values of a match; optional parameters without a value are absent. */
export type RouteValues = Record<string, string>;

/**
 * Matches a request path (without query, without the leading '/') against the template.
 * Segments are percent-decoded before matching, except that a catch-all keeps '/' separators.
 * The simple parameter at index `anyValueAt` takes any value, whatever its constraints say.
 */
export function matchRouteTemplate(
  template: RouteTemplate,
  requestPath: string,
  anyValueAt?: number,
): RouteValues | undefined {
  const trimmed = requestPath.replace(/^\/+/, '').replace(/\/$/, '');
  const rawSegments = trimmed === '' ? [] : trimmed.split('/');
  const values: RouteValues = {};
  const segments = template.segments;
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    const simple = segment.simple;
    if (simple?.catchAll) {
      const rest = rawSegments.slice(index).map(decodeSegment);
      if (rest.some((s) => s === undefined)) return undefined;
      const value = rest.join('/');
      if (value === '') {
        if (simple.defaultValue !== undefined) values[simple.name] = simple.defaultValue;
      } else {
        if (!simple.constraints.every((c) => c(value))) return undefined;
        values[simple.name] = value;
      }
      return values;
    }
    const raw = rawSegments[index];
    if (raw === undefined) {
      if (!isOptionalSegment(segment) && !segmentAllowsAbsence(segment)) return undefined;
      if (simple?.defaultValue !== undefined) values[simple.name] = simple.defaultValue;
      continue;
    }
    const decoded = decodeSegment(raw);
    if (decoded === undefined || decoded === '') return undefined;
    if (simple) {
      if (index !== anyValueAt && !simple.constraints.every((c) => c(decoded))) return undefined;
      values[simple.name] = decoded;
      continue;
    }
    const match = segment.pattern!.exec(decoded);
    if (!match) return undefined;
    let group = 1;
    for (const part of segment.parts) {
      if (part.kind !== 'parameter') continue;
      const value = match[group++] ?? '';
      if (value === '' && part.parameter.optional) continue;
      if (!part.parameter.constraints.every((c) => c(value))) return undefined;
      values[part.parameter.name] = value;
    }
  }
  return rawSegments.length > segments.length ? undefined : values;
}

function segmentAllowsAbsence(segment: Segment): boolean {
  return (
    segment.parts.length === 1 &&
    segment.parts[0]?.kind === 'parameter' &&
    segment.parts[0].parameter.optional
  );
}

/** Kestrel decodes the request path except `%2F`, which stays encoded (it is not a separator). */
function decodeSegment(raw: string): string | undefined {
  try {
    return raw
      .split(/(%2F)/i)
      .map((part, i) => (i % 2 === 1 ? part : decodeURIComponent(part)))
      .join('');
  } catch {
    return undefined;
  }
}
