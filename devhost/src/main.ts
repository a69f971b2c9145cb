#!/usr/bin/env node
/**
 * The devhost command line. Parses flags and calls startDevhost; nothing else lives here.
 */
import * as inspector from 'node:inspector';
import { CliUsageError, parseCliArgs, usage, type StartArgs } from './config/cliArgs';
import { durablePlugin } from './durable/engine/durablePlugin';
import { runEmulatorsCommand } from './emulators/cli';
import { stackUsage, takeStackFlags, type StackFlags } from './emulators/cliArgs';
import { EmulatorError } from './emulators/errors';
import { createLogger } from './log/logger';
import { startDevhost, type Devhost } from './startDevhost';
import { runCheckCommand } from './testing/checkCli';
import { inFlightGuard } from './testing/inFlightGuard';
import { runReplayCommand } from './testing/replayCli';
import { ensureError } from './worker/errors';

function fail(message: string, hint?: string, code = 1): never {
  process.stderr.write(`devhost: ${message}\n${hint ? `  ${hint}\n` : ''}`);
  process.exit(code);
}

async function start(args: StartArgs, stack: StackFlags): Promise<void> {
  if (args.inspect) {
    process.setSourceMapsEnabled(true);
    // Node prints the debugger URL itself.
    inspector.open(args.inspect.port, args.inspect.host);
  }
  const durable = durablePlugin({ storage: args.storage });
  const guard = args.watch ? [inFlightGuard({ durable, park: args.parkNondeterministic })] : [];
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
      ...(args.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: args.shutdownTimeoutMs } : {}),
      ...(args.httpFunctionTimeoutMs !== undefined
        ? { httpFunctionTimeoutMs: args.httpFunctionTimeoutMs }
        : {}),
      ...(args.maxConcurrentRequests !== undefined
        ? { maxConcurrentRequests: args.maxConcurrentRequests }
        : {}),
      ...(args.requestTimeoutMs !== undefined ? { requestTimeoutMs: args.requestTimeoutMs } : {}),
      emulators: stack.emulators,
      localStack: stack,
      plugins: [durable, ...guard],
      logger: createLogger({ format: args.log }),
    });
  } catch (err) {
    const error = err as Error & { hint?: unknown; cause?: unknown };
    const cause = error.cause instanceof Error && error.cause.stack ? `\n${error.cause.stack}` : '';
    fail(`${error.message}${cause}`, typeof error.hint === 'string' ? error.hint : undefined);
  }
  let stopping = false;
  // The first signal stops gracefully (new requests get 503, running work gets --shutdown-timeout,
  // the rest goes back to the task hub); a second one exits at once.
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`devhost: ${signal} again, exiting now.\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`devhost: ${signal}: stopping (again to exit at once).\n`);
    host.stop().then(
      () => process.exit(0),
      (err: unknown) => fail(`shutdown failed: ${(err as Error).message}`),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function main(argv: readonly string[]): void {
  // `devhost replay`: the determinism check against a saved history (devhost/testing/replayCli.ts).
  if (argv[0] === 'replay') {
    runReplayCommand(argv.slice(1)).then(
      (code) => process.exit(code),
      (err: unknown) => fail(ensureError(err).message),
    );
    return;
  }
  // `devhost check`: the in-flight check of a task hub against the build (devhost/testing/checkCli.ts).
  if (argv[0] === 'check') {
    runCheckCommand(argv.slice(1)).then(
      (code) => process.exit(code),
      (err: unknown) => fail(ensureError(err).message),
    );
    return;
  }
  // `devhost emulators <start|stop|status>`, `devhost reset`, `devhost outbox`: the local stack alone.
  if (argv[0] === 'emulators' || argv[0] === 'reset' || argv[0] === 'outbox') {
    runEmulatorsCommand(argv[0] === 'emulators' ? argv.slice(1) : argv).catch((err: unknown) =>
      fail(ensureError(err).message),
    );
    return;
  }
  let args;
  let stack: StackFlags;
  try {
    const taken = takeStackFlags(argv);
    stack = taken.flags;
    args = parseCliArgs(taken.rest, process.env);
  } catch (err) {
    if (err instanceof CliUsageError || err instanceof EmulatorError)
      fail(err.message, 'Run `devhost --help` for the options.', 2);
    throw err;
  }
  if (args.command === 'help') {
    process.stdout.write(`${usage}\n\n${stackUsage}\n`);
    return;
  }
  void start(args, stack);
}

main(process.argv.slice(2));
