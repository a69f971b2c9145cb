/**
 * Function keys, as the host checks them (`x-functions-key` header first, then `?code=`): the
 * master key satisfies every level, a host function key satisfies `function`, a system key only
 * its own webhook. The decision is pure; the key file lives in keyStore.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AuthLevel } from './routeTable';

export interface HostKeys {
  masterKey: string;
  functionKeys: Record<string, string>;
  systemKeys: Record<string, string>;
}

/** What a presented key grants. */
export type KeyGrant =
  { kind: 'master' } | { kind: 'function'; name: string } | { kind: 'system'; name: string };

export function keyFromRequest(
  headers: Record<string, string | string[] | undefined>,
  url: URL,
): string | undefined {
  const header = headers['x-functions-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  return url.searchParams.get('code') ?? undefined;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function grantFor(keys: HostKeys, key: string | undefined): KeyGrant | undefined {
  if (!key) return undefined;
  if (same(key, keys.masterKey)) return { kind: 'master' };
  for (const [name, value] of Object.entries(keys.systemKeys)) {
    if (same(key, value)) return { kind: 'system', name };
  }
  for (const [name, value] of Object.entries(keys.functionKeys)) {
    if (same(key, value)) return { kind: 'function', name };
  }
  return undefined;
}

/** What a request must show: an auth level, or a named system key (e.g. a durable webhook). */
export type KeyRequirement = AuthLevel | { systemKey: string };

/** Whether `key` satisfies `requirement` when keys are enforced (Azure's rules). */
export function isAuthorized(keys: HostKeys, requirement: KeyRequirement, key: string | undefined): boolean {
  if (requirement === 'anonymous') return true;
  const grant = grantFor(keys, key);
  if (!grant) return false;
  if (grant.kind === 'master') return true;
  if (typeof requirement === 'object') return grant.kind === 'system' && grant.name === requirement.systemKey;
  switch (requirement) {
    case 'function':
      return grant.kind === 'function';
    case 'system':
      return grant.kind === 'system';
    default:
      // admin (and user, which only EasyAuth can satisfy) need the master key.
      return false;
  }
}

/** The key checker other modules use; knows whether keys are enforced at all. */
export interface KeyChecker {
  readonly enforced: boolean;
  /** Path of the key file (printed in the banner, never the values). */
  readonly file: string;
  readonly keys: HostKeys;
  /** True when the request may proceed (always, unless keys are enforced). */
  check(
    requirement: KeyRequirement,
    request: { headers: Record<string, string | string[] | undefined>; url: URL },
  ): boolean;
}

export function createKeyChecker(keys: HostKeys, file: string, enforced: boolean): KeyChecker {
  return {
    enforced,
    file,
    keys,
    check(requirement, request) {
      // Like `func start` without --enableAuth: every request is treated as admin.
      if (!enforced) return true;
      return isAuthorized(keys, requirement, keyFromRequest(request.headers, request.url));
    },
  };
}
