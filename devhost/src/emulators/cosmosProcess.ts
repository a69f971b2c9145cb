/** How devhost runs its Cosmos server as a child process (compiled, or from source under jest). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MissingPackageError } from './errors';
import type { NodeCommand } from './processes';

export interface CosmosLaunch {
  host: string;
  port: number;
  /** Journal folder; null runs in memory. */
  dataDir: string | null;
  compactBytes?: number;
}

function cosmosArgs(launch: CosmosLaunch): string[] {
  const args = ['--host', launch.host, '--port', String(launch.port)];
  if (launch.dataDir) args.push('--data-dir', launch.dataDir);
  else args.push('--in-memory');
  if (launch.compactBytes !== undefined) args.push('--compact-bytes', String(launch.compactBytes));
  return args;
}

/** `@vercel/cosmosdb-server` is an optional dependency: say so before anything tries to load it. */
export function ensureCosmosServerPackage(): void {
  try {
    require.resolve('@vercel/cosmosdb-server/package.json');
  } catch {
    throw new MissingPackageError('@vercel/cosmosdb-server', 'the local Cosmos DB server');
  }
}

export function cosmosCommand(launch: CosmosLaunch): NodeCommand {
  ensureCosmosServerPackage();
  const compiled = path.join(__dirname, 'cosmos', 'main.js');
  if (fs.existsSync(compiled)) return { execArgv: [], entry: compiled, args: cosmosArgs(launch) };
  // Running from TypeScript sources (jest): load them through a transpile-on-require hook.
  return {
    execArgv: ['-r', path.join(__dirname, 'tsRequireHook.js')],
    entry: path.join(__dirname, 'cosmos', 'main.ts'),
    args: cosmosArgs(launch),
  };
}
