/** Finds out what, if anything, answers on a local port: the health check behind reuse and conflicts. */
import * as http from 'node:http';
import { COSMOS_EMULATOR_NAME, IDENTITY_PATH, type CosmosIdentity } from './cosmos/identity';

export type PortOccupant =
  | { kind: 'free' }
  | { kind: 'azurite'; service: string; version: string }
  | { kind: 'devhost-cosmos'; identity: CosmosIdentity }
  | { kind: 'http'; server?: string; status: number }
  | { kind: 'other'; reason: string };

const AZURITE_SERVER = /^Azurite-(Blob|Queue|Table)\/(\S+)/;

function parseIdentity(body: string): CosmosIdentity | undefined {
  try {
    const value = JSON.parse(body) as Partial<CosmosIdentity>;
    return value.emulator === COSMOS_EMULATOR_NAME && typeof value.pid === 'number'
      ? (value as CosmosIdentity)
      : undefined;
  } catch {
    return undefined;
  }
}

export function probePort(host: string, port: number, timeoutMs = 1500): Promise<PortOccupant> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: IDENTITY_PATH, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('error', () => resolve({ kind: 'other', reason: 'the HTTP response broke off' }));
      res.on('end', () => {
        const header = res.headers.server;
        const server = Array.isArray(header) ? header[0] : header;
        const azurite = server ? AZURITE_SERVER.exec(server) : null;
        const identity = parseIdentity(body);
        if (identity) resolve({ kind: 'devhost-cosmos', identity });
        else if (azurite) resolve({ kind: 'azurite', service: azurite[1] ?? '', version: azurite[2] ?? '' });
        else resolve({ kind: 'http', server, status: res.statusCode ?? 0 });
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ kind: 'other', reason: `no HTTP answer within ${timeoutMs} ms` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve({ kind: 'free' });
      else resolve({ kind: 'other', reason: err.code ?? err.message });
    });
  });
}

export function describeOccupant(occupant: PortOccupant): string {
  switch (occupant.kind) {
    case 'free':
      return 'nothing';
    case 'azurite':
      return `Azurite's ${occupant.service} service (${occupant.version})`;
    case 'devhost-cosmos':
      return `devhost's Cosmos server (pid ${occupant.identity.pid}, data ${occupant.identity.dataDir ?? 'in memory'})`;
    case 'http':
      return `another HTTP server${occupant.server ? ` (Server: ${occupant.server})` : ''}`;
    case 'other':
      return `a program that does not answer HTTP (${occupant.reason})`;
  }
}
