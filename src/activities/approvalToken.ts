import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits, URL-safe: the token travels in a link. */
export function newApprovalToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashApprovalToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares digests of equal length in constant time, so timing reveals nothing about the hash. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashApprovalToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export function tokenFromLink(link: string): string | undefined {
  return new URL(link).searchParams.get('token') ?? undefined;
}
