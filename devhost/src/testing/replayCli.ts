/**
 * `devhost replay`: the determinism check from the command line, for a history saved from a running
 * instance. Exit code 0 = the code replays the history, 1 = it does not, 2 = the command, the history
 * or the app cannot be used as given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, type Logger } from '../log/logger';
import { ConfigError } from '../config/configError';
import { AppLoadError } from '../worker/errors';
import { describeReport, replayHistory, ReplayInputError } from './replay';

const replayUsage = `Usage: devhost replay --history <file.json> [--app-dir <dir>] [--orchestrator <name>] [--input <json>]

Replays a recorded orchestration history against the built app and exits with 1 if the orchestrator
no longer schedules what the history recorded (run it before deploying a change to an orchestrator).

  --history <file>       the instance's recorded history events (JSON array; TestHost.history(id)), or its
                         status saved with ?showHistory=true&showHistoryOutput=true&showInput=true
  --app-dir <dir>        the function app folder; default: current folder (run npm run build first)
  --orchestrator <name>  the orchestrator to replay; default: the name in the history
  --input <json>         replaces the recorded input`;

class ReplayUsageError extends Error {}

export interface ReplayCommandIo {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  /** Where the app's own log lines go; default: devhost's text log. */
  logger?: Logger;
}

/** Runs the command; returns the process exit code. */
export async function runReplayCommand(
  argv: readonly string[],
  io: ReplayCommandIo = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const { out } = io;
  let options;
  try {
    options = readOptions(argv);
  } catch (err) {
    if (!(err instanceof ReplayUsageError) && !(err instanceof TypeError)) throw err;
    io.err.write(`devhost replay: ${err.message}\n\n${replayUsage}\n`);
    return 2;
  }
  if (options === 'help') {
    out.write(`${replayUsage}\n`);
    return 0;
  }
  let report;
  try {
    report = await replayHistory({ ...options, logger: io.logger ?? createLogger() });
  } catch (err) {
    // A history or app that cannot be replayed is not a verdict: keep exit 1 for non-determinism.
    if (!(err instanceof ReplayInputError || err instanceof AppLoadError || err instanceof ConfigError))
      throw err;
    const hint = 'hint' in err ? `\n  ${err.hint}` : '';
    io.err.write(`devhost replay: ${err.message}${hint}\n`);
    return 2;
  }
  out.write(`${describeReport(report)}\n`);
  return report.deterministic ? 0 : 1;
}

function readOptions(argv: readonly string[]) {
  // parseArgs throws a TypeError naming an unknown or incomplete flag.
  const { values } = parseArgs({
    args: [...argv],
    options: {
      history: { type: 'string' },
      'app-dir': { type: 'string' },
      orchestrator: { type: 'string' },
      input: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help' as const;
  if (!values.history) throw new ReplayUsageError('--history <file.json> is required.');
  const file = path.resolve(values.history);
  let history: unknown;
  try {
    history = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new ReplayUsageError(`--history: cannot read ${file} as JSON (${(err as Error).message}).`);
  }
  let input: { input?: unknown } = {};
  if (values.input !== undefined) {
    try {
      input = { input: JSON.parse(values.input) as unknown };
    } catch {
      throw new ReplayUsageError(`--input must be JSON, e.g. --input '{"orderId":"o-1"}'.`);
    }
  }
  return {
    appDir: path.resolve(values['app-dir'] ?? '.'),
    history,
    ...(values.orchestrator ? { orchestratorName: values.orchestrator } : {}),
    ...input,
  };
}
