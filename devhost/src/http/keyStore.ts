/**
 * `<app>/.devhost/keys.json`: created with strong random keys on first start and kept across
 * restarts, so URLs with `?code=` keep working.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostKeys } from './keys';

class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

/** devhost's state folder for an app: `<app>/.devhost`. */
export function defaultStateDir(appDir: string): string {
  return path.join(appDir, '.devhost');
}

/** A key like the host's: 40 random bytes, URL-safe so it can go in `?code=` unescaped. */
function generateKey(): string {
  return randomBytes(40).toString('base64url');
}

function newHostKeys(): HostKeys {
  return {
    masterKey: generateKey(),
    functionKeys: { default: generateKey() },
    systemKeys: { durabletask_extension: generateKey() },
  };
}

/** Reads `<stateDir>/keys.json`, creating it (and any missing well-known key) on first use. */
export function loadOrCreateKeys(stateDir: string): { keys: HostKeys; file: string; created: boolean } {
  const file = path.join(stateDir, 'keys.json');
  let keys: HostKeys;
  let created = false;
  let changed = false;
  if (fs.existsSync(file)) {
    keys = parseKeys(file, fs.readFileSync(file, 'utf8'));
    if (!keys.functionKeys.default) {
      keys.functionKeys.default = generateKey();
      changed = true;
    }
    if (!keys.systemKeys.durabletask_extension) {
      keys.systemKeys.durabletask_extension = generateKey();
      changed = true;
    }
  } else {
    keys = newHostKeys();
    created = true;
    changed = true;
  }
  if (changed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename, so a host starting at the same moment never reads half a file.
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(temp, file);
  }
  return { keys, file, created };
}

function parseKeys(file: string, text: string): HostKeys {
  const hint = `Fix it, or delete ${file} to get new keys.`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new KeyFileError(`${file} is not valid JSON (${(err as Error).message}). ${hint}`, file);
  }
  const d = doc as Partial<Record<keyof HostKeys, unknown>>;
  if (typeof d?.masterKey !== 'string' || d.masterKey.length < 16) {
    throw new KeyFileError(`${file} needs a "masterKey" string of at least 16 characters. ${hint}`, file);
  }
  return {
    masterKey: d.masterKey,
    functionKeys: stringMap(file, 'functionKeys', d.functionKeys, hint),
    systemKeys: stringMap(file, 'systemKeys', d.systemKeys, hint),
  };
}

function stringMap(file: string, field: string, value: unknown, hint: string): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KeyFileError(`${file}: "${field}" must be an object of name → key. ${hint}`, file);
  }
  const result: Record<string, string> = {};
  for (const [name, key] of Object.entries(value)) {
    if (typeof key !== 'string' || key === '') {
      throw new KeyFileError(`${file}: "${field}.${name}" must be a non-empty string. ${hint}`, file);
    }
    result[name] = key;
  }
  return result;
}
