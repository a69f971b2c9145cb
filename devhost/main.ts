#!/usr/bin/env node
/**
 * The devhost command line. Parses flags and calls startDevhost; nothing else lives here.
 */
import * as inspector from 'node:inspector';
import { CliUsageError, parseCliArgs, usage, type StartArgs } from './config/cliArgs';
import { durablePlugin } from './durable/engine/durablePlugin';
import { createLogger } from './log/logger';
import { startDevhost, type Devhost } from './startDevhost';

function fail(message: string, hint?: string, code = 1): never {
  process.stderr.write(`devhost: ${message}\n${hint ? `  ${hint}\n` : ''}`);
  process.exit(code);
}

async function start(args: StartArgs): Promise<void> {
  if (args.inspect) {
    process.setSourceMapsEnabled(true);
    // Node prints the debugger URL itself.
    inspector.open(args.inspect.port, args.inspect.host);
  }
  let host: Devhost;
  try {
    host = await startDevhost({
      appDir: args.appDir,
      stateDir: args.stateDir,
      port: args.port,
      host: args.host,
      enforceKeys: args.enforceKeys,
      watch: args.watch,
      maxRequestBodyBytes: args.maxRequestBodyBytes,
      emulators: args.emulators,
      plugins: [durablePlugin({ storage: args.storage })],
      logger: createLogger({ format: args.log }),
    });
  } catch (err) {
    const error = err as Error & { hint?: unknown; cause?: unknown };
    const cause = error.cause instanceof Error && error.cause.stack ? `\n${error.cause.stack}` : '';
    fail(`${error.message}${cause}`, typeof error.hint === 'string' ? error.hint : undefined);
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`devhost: ${signal} again, exiting now.\n`);
      process.exit(1);
    }
    stopping = true;
    host.stop().then(
      () => process.exit(0),
      (err: unknown) => fail(`shutdown failed: ${(err as Error).message}`),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function main(argv: readonly string[]): void {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof CliUsageError) fail(err.message, 'Run `devhost --help` for the options.', 2);
    throw err;
  }
  if (args.command === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  void start(args);
}

main(process.argv.slice(2));
