/**
 * The devhost command line: `devhost start [flags]`. Pure parsing; main.ts acts on the result.
 * Local stack flags (`--emulators`, ports, `--seed`…) are taken out first by
 * `emulators/cliArgs.ts` `takeStackFlags`.
 */
import { parseDuration } from '../clock/duration';

export interface StartArgs {
  command: 'start';
  appDir: string | undefined;
  stateDir: string | undefined;
  port: number | undefined;
  host: string | undefined;
  enforceKeys: boolean;
  watch: boolean;
  /** Under `--watch`: park the instances a rebuild would fail instead of letting them fail. */
  parkNondeterministic: boolean;
  /** `--inspect[=[host:]port]`; undefined when not asked for. */
  inspect: { host: string; port: number } | undefined;
  log: 'text' | 'json';
  maxRequestBodyBytes: number | undefined;
  /** Where the durable task hub lives (`--storage`); unset = the durable plugin's default (memory). */
  storage?: 'memory' | 'azure';
  /** `--shutdown-timeout`: how long a stop lets running work finish; unset = devhost's default (10 s). */
  shutdownTimeoutMs?: number;
  /** `--http-function-timeout`: the limit on an HTTP function's answer; `null` = none; unset = 230 s. */
  httpFunctionTimeoutMs?: number | null;
  /** `--max-concurrent-requests`; unset = devhost's default (200). */
  maxConcurrentRequests?: number;
  /** `--request-timeout`: how long a request may take to arrive; unset = devhost's default (30 s). */
  requestTimeoutMs?: number;
}

export type CliArgs = StartArgs | { command: 'help' };

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export const usage = `Usage: devhost start [options]

Runs an Azure Functions app (Node.js v4 programming model) locally, the way the Functions host does.

Options:
  --app-dir <dir>                  the function app folder (host.json, package.json); default: current folder
  --state-dir <dir>                where devhost keeps keys.json; default <app-dir>/.devhost
  --port <n>                       HTTP port; default local.settings.json Host.LocalHttpPort, else 7071; 0 = any free port
  --host <address>                 listen address; default 127.0.0.1 (0.0.0.0 to accept other machines)
  --enforce-keys                   check function keys as Azure does (default: no key checks, like func start)
  --watch                          rebuild (npm run build) and reload the app when its files change; before
                                   a rebuild takes work, warns about each in-flight instance it would fail
  --park-nondeterministic          with --watch: park those instances (they wait) until a rebuild replays them
  --inspect[=[host:]port]          open the Node debugger (default 127.0.0.1:9229), with source maps
  --log <text|json>                log format; json prints one object per line
  --max-request-body-size <size>   largest request body, e.g. 100mb (default), 512kb, 1048576
  --storage <memory|azure>         durable task hub store: memory (default) keeps it in this process only;
                                   azure keeps it in Azure Storage (AzureWebJobsStorage, e.g. Azurite)
  --shutdown-timeout <time>        on SIGINT/SIGTERM, how long running requests and durable work may finish
                                   before the rest is handed back to the task hub: seconds, or 500ms, 30s, 1m;
                                   default 10s. A second signal exits at once.
  --http-function-timeout <time>   an HTTP function that has not answered by then gets the client a 504 (the
                                   invocation runs on until functionTimeout); default 230s, Azure's front-end
                                   limit; none for no limit (DEVHOST_HTTP_FUNCTION_TIMEOUT)
  --max-concurrent-requests <n>    requests served at once; past it new ones get 503 with Retry-After;
                                   default 200 (DEVHOST_MAX_CONCURRENT_REQUESTS)
  --request-timeout <time>         how long a client may take to send a request's headers and body; then
                                   408; default 30s (DEVHOST_REQUEST_TIMEOUT)
  -h, --help                       show this help

Keys live in <app-dir>/.devhost/keys.json (created on first start).`;

const booleanFlags = new Set(['--enforce-keys', '--watch', '--park-nondeterministic']);
const valueFlags = new Set([
  '--app-dir',
  '--state-dir',
  '--port',
  '--host',
  '--log',
  '--max-request-body-size',
  '--storage',
  '--shutdown-timeout',
  '--http-function-timeout',
  '--max-concurrent-requests',
  '--request-timeout',
]);

/** Environment variables that set a flag's value when the flag is not given. */
const envFlags: Record<string, string> = {
  DEVHOST_HTTP_FUNCTION_TIMEOUT: '--http-function-timeout',
  DEVHOST_MAX_CONCURRENT_REQUESTS: '--max-concurrent-requests',
  DEVHOST_REQUEST_TIMEOUT: '--request-timeout',
};

export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CliArgs {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    return { command: 'help' };
  }
  const [command, ...rest] = argv;
  if (command !== 'start') {
    throw new CliUsageError(`Unknown command '${command}'. The only command is 'start'.`);
  }
  const args: StartArgs = {
    command: 'start',
    appDir: undefined,
    stateDir: undefined,
    port: undefined,
    host: undefined,
    enforceKeys: false,
    watch: false,
    parkNondeterministic: false,
    inspect: undefined,
    log: 'text',
    maxRequestBodyBytes: undefined,
  };
  const given = new Set(rest.map((token) => token.split('=')[0]));
  const fromEnv = Object.entries(envFlags).flatMap(([name, flag]) => {
    const value = env[name];
    return value !== undefined && value !== '' && !given.has(flag) ? [`${flag}=${value}`] : [];
  });
  const tokens = [...fromEnv, ...rest];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const eq = token.indexOf('=');
    const flag = token.startsWith('--') && eq > 0 ? token.slice(0, eq) : token;
    const inlineValue = token.startsWith('--') && eq > 0 ? token.slice(eq + 1) : undefined;
    if (flag === '--inspect') {
      args.inspect = parseInspect(inlineValue);
      continue;
    }
    if (booleanFlags.has(flag)) {
      if (inlineValue !== undefined) throw new CliUsageError(`${flag} takes no value.`);
      if (flag === '--enforce-keys') args.enforceKeys = true;
      else if (flag === '--park-nondeterministic') args.parkNondeterministic = true;
      else args.watch = true;
      continue;
    }
    if (!valueFlags.has(flag)) {
      throw new CliUsageError(
        `Unknown option '${token}'. Valid options: --app-dir, --state-dir, --port, --host, --enforce-keys, --watch, ` +
          `--park-nondeterministic, ` +
          `--inspect, --log, --max-request-body-size, --storage, --shutdown-timeout, --http-function-timeout, ` +
          `--max-concurrent-requests, --request-timeout, ` +
          `--help (local stack flags: see --help).`,
      );
    }
    const value = inlineValue ?? tokens[++i];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) {
      throw new CliUsageError(`${flag} needs a value.`);
    }
    switch (flag) {
      case '--app-dir':
        args.appDir = value;
        break;
      case '--state-dir':
        args.stateDir = value;
        break;
      case '--port':
        args.port = parsePort(value, flag);
        break;
      case '--host':
        args.host = value;
        break;
      case '--log':
        if (value !== 'text' && value !== 'json')
          throw new CliUsageError(`--log must be 'text' or 'json', not '${value}'.`);
        args.log = value;
        break;
      case '--max-request-body-size':
        args.maxRequestBodyBytes = parseSize(value);
        break;
      case '--storage':
        if (value !== 'memory' && value !== 'azure') {
          throw new CliUsageError(`--storage must be 'memory' or 'azure', not '${value}'.`);
        }
        args.storage = value;
        break;
      case '--shutdown-timeout':
        args.shutdownTimeoutMs = parseTime(value, flag);
        break;
      case '--http-function-timeout':
        args.httpFunctionTimeoutMs = value.trim().toLowerCase() === 'none' ? null : positiveTime(value, flag);
        break;
      case '--max-concurrent-requests':
        args.maxConcurrentRequests = parseCount(value, flag);
        break;
      case '--request-timeout':
        args.requestTimeoutMs = positiveTime(value, flag);
        break;
    }
  }
  if (args.parkNondeterministic && !args.watch) {
    throw new CliUsageError(
      '--park-nondeterministic works with --watch: it parks instances a rebuild would fail.',
    );
  }
  return args;
}

function parsePort(value: string, flag: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new CliUsageError(
      `${flag} must be a port number from 0 to 65535 (0 = any free port), not '${value}'.`,
    );
  }
  return port;
}

function parseInspect(value: string | undefined): { host: string; port: number } {
  if (value === undefined || value === '') return { host: '127.0.0.1', port: 9229 };
  const colon = value.lastIndexOf(':');
  const host = colon >= 0 ? value.slice(0, colon) : '127.0.0.1';
  return { host, port: parsePort(colon >= 0 ? value.slice(colon + 1) : value, '--inspect') };
}

/** Seconds (`10`, `2.5`) or a duration with a unit (`500ms`, `30s`, `1m`), for `flag`. */
export function parseTime(value: string, flag: string): number {
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  try {
    if (/^\d+(?:\.\d+)?\s*(ms|s|m)$/.test(text)) return parseDuration(text);
  } catch {
    // falls through to the usage error
  }
  throw new CliUsageError(`${flag} must be seconds or a time such as 500ms, 30s or 1m, not '${value}'.`);
}

function positiveTime(value: string, flag: string): number {
  const ms = parseTime(value, flag);
  if (ms <= 0) {
    throw new CliUsageError(
      `${flag} must be longer than 0${flag === '--http-function-timeout' ? " ('none' for no limit)" : ''}.`,
    );
  }
  return ms;
}

function parseCount(value: string, flag: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || count < 1) {
    throw new CliUsageError(`${flag} must be a whole number from 1 up, not '${value}'.`);
  }
  return count;
}

const units: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  const unit = units[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined) {
    throw new CliUsageError(
      `--max-request-body-size must be a size such as 100mb, 512kb or 1048576, not '${value}'.`,
    );
  }
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes <= 0) throw new CliUsageError('--max-request-body-size must be larger than 0.');
  return bytes;
}
