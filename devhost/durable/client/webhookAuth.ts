/**
 * Who may call the public webhook API when keys are enforced: the host's policy `SystemKeyAuthLevel`
 * admits the `durabletask_extension` system key or the master key, presented in the
 * `x-functions-key` header or else the `code` query parameter. The loopback RPC listener checks no key.
 */
import { timingSafeEqual } from 'node:crypto';

export const DURABLE_SYSTEM_KEY_NAME = 'durabletask_extension';

export interface DurableWebhookKeys {
  /** Value of the `durabletask_extension` system key (absent: only the master key passes). */
  systemKey?: string;
  masterKey: string;
}

export function presentedKey(header: string | undefined, code: string | undefined): string | undefined {
  return header ? header : code;
}

export function isWebhookKey(keys: DurableWebhookKeys, key: string | undefined): boolean {
  return (
    key !== undefined &&
    ((keys.systemKey !== undefined && sameSecret(key, keys.systemKey)) || sameSecret(key, keys.masterKey))
  );
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
