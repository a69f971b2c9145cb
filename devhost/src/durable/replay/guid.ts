import { sha1 } from '../../protocol/sha1';

/**
 * A name-based (version 5 layout) GUID: replays of the same episode must produce the same entity
 * request ids, so they are derived from stable names instead of drawn at random.
 */
export function deterministicGuid(name: string): string {
  const bytes = sha1(`devhost-durable:${name}`).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
