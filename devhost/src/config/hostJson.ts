/**
 * host.json: the settings devhost itself reads (functionTimeout, the HTTP route prefix); the whole
 * document is kept for plugins (e.g. `extensions.durableTask`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, readJsonFile } from './configError';
import { parseTimeSpan } from '../protocol/timeSpan';

export interface HostJson {
  file: string;
  /** The parsed document, unresolved (`%Setting%` references intact). */
  raw: Record<string, unknown>;
  /** undefined = no limit (`"-1"`). */
  functionTimeoutMs: number | undefined;
  /** `extensions.http.routePrefix`, default `api`; may be empty. Without surrounding slashes. */
  routePrefix: string;
}

/** The host's default when host.json sets no functionTimeout on a non-Consumption plan. */
export const defaultFunctionTimeoutMs = 30 * 60_000;

export function readHostJson(appDir: string): HostJson {
  const file = path.join(appDir, 'host.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(
      `No host.json in ${appDir}: this folder is not a function app.`,
      file,
      'Pass --app-dir with the folder that holds host.json, or create one with {"version": "2.0"}.',
    );
  }
  return parseHostJson(file, readJsonFile(file, text));
}

export function parseHostJson(file: string, document: unknown): HostJson {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`${file} must hold a JSON object.`, file, 'Start from {"version": "2.0"}.');
  }
  const raw = document as Record<string, unknown>;
  return {
    file,
    raw,
    functionTimeoutMs: parseFunctionTimeout(file, raw.functionTimeout),
    routePrefix: parseRoutePrefix(file, raw.extensions),
  };
}

function parseFunctionTimeout(file: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return defaultFunctionTimeoutMs;
  if (value === '-1' || value === -1) return undefined;
  const ms = typeof value === 'string' ? parseTimeSpan(value) : undefined;
  if (ms === undefined || ms <= 0) {
    throw new ConfigError(
      `${file}: functionTimeout ${JSON.stringify(value)} is not a positive TimeSpan.`,
      file,
      'Use "hh:mm:ss", e.g. "00:10:00", or "-1" for no limit.',
    );
  }
  return ms;
}

function parseRoutePrefix(file: string, extensions: unknown): string {
  const http = (extensions as { http?: { routePrefix?: unknown } } | undefined)?.http;
  const prefix = http?.routePrefix;
  if (prefix === undefined || prefix === null) return 'api';
  if (typeof prefix !== 'string') {
    throw new ConfigError(
      `${file}: extensions.http.routePrefix must be a string.`,
      file,
      'Use e.g. "api", or "" for no prefix.',
    );
  }
  return prefix.replace(/^\/+|\/+$/g, '');
}
