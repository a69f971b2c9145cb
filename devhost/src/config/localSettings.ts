/**
 * local.settings.json, as `func start` reads it: `Values` become app settings (environment
 * variables that are already set win), `Host` carries the local port and CORS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, readJsonFile } from './configError';

export interface LocalSettings {
  file: string;
  exists: boolean;
  values: Record<string, string>;
  localHttpPort: number | undefined;
  /** Allowed origins; `['*']` for any. Empty = CORS off. */
  cors: string[];
  corsCredentials: boolean;
}

export function readLocalSettings(appDir: string): LocalSettings {
  const file = path.join(appDir, 'local.settings.json');
  if (!fs.existsSync(file)) {
    return { file, exists: false, values: {}, localHttpPort: undefined, cors: [], corsCredentials: false };
  }
  return parseLocalSettings(file, readJsonFile(file, fs.readFileSync(file, 'utf8')));
}

export function parseLocalSettings(file: string, document: unknown): LocalSettings {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`${file} must hold a JSON object.`, file, 'Start from {"Values": {}}.');
  }
  const doc = document as { IsEncrypted?: unknown; Values?: unknown; Host?: unknown };
  if (doc.IsEncrypted === true) {
    throw new ConfigError(
      `${file} is encrypted ("IsEncrypted": true); devhost cannot decrypt it.`,
      file,
      'Decrypt it with `func settings decrypt`, or write the values in plain text locally.',
    );
  }
  const values: Record<string, string> = {};
  if (doc.Values !== undefined) {
    if (doc.Values === null || typeof doc.Values !== 'object' || Array.isArray(doc.Values)) {
      throw new ConfigError(`${file}: "Values" must be an object of strings.`, file, 'Fix "Values".');
    }
    for (const [key, value] of Object.entries(doc.Values)) {
      if (typeof value === 'string') values[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
      else {
        throw new ConfigError(
          `${file}: "Values.${key}" must be a string.`,
          file,
          'App settings are strings: quote the value.',
        );
      }
    }
  }
  const host = (doc.Host ?? {}) as { LocalHttpPort?: unknown; CORS?: unknown; CORSCredentials?: unknown };
  let localHttpPort: number | undefined;
  if (host.LocalHttpPort !== undefined) {
    const port = Number(host.LocalHttpPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`${file}: "Host.LocalHttpPort" must be a port number.`, file, 'Use e.g. 7071.');
    }
    localHttpPort = port;
  }
  const cors =
    typeof host.CORS === 'string'
      ? host.CORS.split(',')
          .map((o) => o.trim())
          .filter((o) => o !== '')
      : [];
  return { file, exists: true, values, localHttpPort, cors, corsCredentials: host.CORSCredentials === true };
}

interface HeldSetting {
  readonly value: string;
  holders: number;
}

/** Settings hosts put into an environment, and how many running hosts share each. */
const heldSettings = new WeakMap<NodeJS.ProcessEnv, Map<string, HeldSetting>>();

/**
 * Copies `values` into `env` without overriding variables that are already set, as func does, and
 * returns a function that takes them out again, for a host that stops while the process goes on
 * (tests). A key another running host put there with the same value is shared, so it goes when
 * the last of them stops; a value changed meanwhile stays.
 */
export function applyAppSettings(values: Record<string, string>, env: NodeJS.ProcessEnv): () => void {
  let held = heldSettings.get(env);
  if (!held) {
    held = new Map();
    heldSettings.set(env, held);
  }
  const mine: [string, HeldSetting][] = [];
  for (const [key, value] of Object.entries(values)) {
    const current = held.get(key);
    if (current && env[key] === current.value && current.value === value) {
      current.holders += 1;
      mine.push([key, current]);
    } else if (env[key] === undefined) {
      const entry: HeldSetting = { value, holders: 1 };
      env[key] = value;
      held.set(key, entry);
      mine.push([key, entry]);
    }
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    for (const [key, entry] of mine) {
      entry.holders -= 1;
      if (entry.holders > 0) continue;
      if (held.get(key) === entry) held.delete(key);
      if (env[key] === entry.value) delete env[key];
    }
  };
}
