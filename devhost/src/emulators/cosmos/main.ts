/**
 * Entry of the Cosmos child process: `node main.js --port <n> [--host <h>] (--data-dir <dir> | --in-memory)`.
 * It outlives the devhost that started it; SIGTERM or SIGINT stops it after the journal is synced.
 */
import { startCosmosServer } from './server';

interface Args {
  host: string;
  port: number;
  dataDir?: string;
  compactBytes?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { host: '127.0.0.1', port: 8081 };
  let inMemory = false;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--in-memory') {
      inMemory = true;
      continue;
    }
    if (value === undefined) throw new Error(`${flag ?? ''} needs a value`);
    i += 1;
    if (flag === '--host') args.host = value;
    else if (flag === '--port') args.port = Number(value);
    else if (flag === '--data-dir') args.dataDir = value;
    else if (flag === '--compact-bytes') args.compactBytes = Number(value);
    else throw new Error(`unknown option ${flag ?? ''}`);
  }
  if (!inMemory && !args.dataDir) throw new Error('give --data-dir <dir> or --in-memory');
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new Error('--port must be 0-65535');
  return args;
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const server = await startCosmosServer({ ...args, log });
  log(
    `devhost Cosmos server (pid ${process.pid}) listening at ${server.endpoint}, data ${args.dataDir ?? 'in memory'}`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`stopping failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
