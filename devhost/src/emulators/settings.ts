/** Ports and the app's own settings: pure decisions, no I/O. */
import { DEFAULT_PORTS, PORT_ENV } from './defaults';
import { EmulatorError } from './errors';

export interface StackPorts {
  blob: number;
  queue: number;
  table: number;
  cosmos: number;
}

const PORT_FLAGS: Record<keyof StackPorts, string> = {
  blob: '--azurite-blob-port',
  queue: '--azurite-queue-port',
  table: '--azurite-table-port',
  cosmos: '--cosmos-port',
};

export function howToMove(key: keyof StackPorts): string {
  return `\`${PORT_FLAGS[key]} <n>\` or the ${PORT_ENV[key]} variable`;
}

function parsePort(raw: string | number, source: string): number {
  const port = typeof raw === 'number' ? raw : Number(raw.trim());
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new EmulatorError(`${source} must be a port number from 1 to 65535, got ${JSON.stringify(raw)}.`);
  }
  return port;
}

/** Flags win over environment variables, which win over the documented defaults. */
export function resolvePorts(
  flags: Partial<Record<keyof StackPorts, string | number>>,
  env: Record<string, string | undefined>,
): StackPorts {
  const out = { ...DEFAULT_PORTS } as StackPorts;
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof StackPorts)[]) {
    const flag = flags[key];
    const fromEnv = env[PORT_ENV[key]];
    if (flag !== undefined) out[key] = parsePort(flag, PORT_FLAGS[key]);
    else if (fromEnv !== undefined && fromEnv !== '') out[key] = parsePort(fromEnv, PORT_ENV[key]);
  }
  const seen = new Map<number, string>();
  for (const [key, port] of Object.entries(out) as [string, number][]) {
    const other = seen.get(port);
    if (other) throw new EmulatorError(`${other} and ${key} cannot share port ${port}: give each its own.`);
    seen.set(port, key);
  }
  return out;
}

/** `UseDevelopmentStorage=true` (or nothing) means "the local Azurite", which devhost provides. */
export function isDevelopmentStorage(value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return true;
  return /^\s*UseDevelopmentStorage\s*=\s*true\s*(;.*)?$/i.test(value);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether COSMOS_ENDPOINT names devhost's embedded server: unset, or plain http on loopback at the
 * documented default port or the configured one. `https://localhost:8081` is the real Cosmos DB
 * emulator, which is external.
 */
export function isEmbeddedCosmos(value: string | undefined, port: number): boolean {
  if (value === undefined || value.trim() === '') return true;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return false;
  }
  const urlPort = Number(url.port || 80);
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname) && (urlPort === port || urlPort === 8081);
}

/** The blob endpoint a storage connection string points at, for a reachability check. */
export function storageEndpoint(connectionString: string): string | undefined {
  const parts = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const blob = parts.get('blobendpoint');
  if (blob) return blob;
  const account = parts.get('accountname');
  if (!account) return undefined;
  const protocol = parts.get('defaultendpointsprotocol') ?? 'https';
  return `${protocol}://${account}.blob.${parts.get('endpointsuffix') ?? 'core.windows.net'}`;
}
