/** Instance and entity ids as the extension accepts and makes them (EXT `DurableClient`). Pure. */
import { randomUUID } from 'node:crypto';

/** `Guid.NewGuid().ToString("N")`: 32 hex digits, no dashes. */
export function newGuidN(): string {
  return randomUUID().replace(/-/g, '');
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

/** Why an instance id is refused, or undefined when it is fine. */
export function instanceIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'The instance id must not be empty.';
  if (id.length > 256) return 'The instance id must not be longer than 256 characters.';
  if (id.startsWith('@')) return "The instance id must not start with '@' (that prefix names entities).";
  if (FORBIDDEN.test(id))
    return "The instance id must not contain '/', '\\', '#', '?' or control characters.";
  return undefined;
}

/** Why an entity name or key is refused, or undefined when it is fine. */
export function entityIdProblem(name: string, key: string): string | undefined {
  if (name.length === 0) return 'The entity name must not be empty.';
  if (name.includes('@') || FORBIDDEN.test(name))
    return "The entity name must not contain '@', '/', '\\', '#', '?' or control characters.";
  if (FORBIDDEN.test(key))
    return "The entity key must not contain '/', '\\', '#', '?' or control characters.";
  return undefined;
}

/** `@<lower-cased name>@<key>`: the scheduler id of an entity. */
export function entityInstanceId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseEntityInstanceId(instanceId: string): { name: string; key: string } | undefined {
  const match = /^@([^@]*)@(.*)$/s.exec(instanceId);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { name: match[1], key: match[2] };
}
