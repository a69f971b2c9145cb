/**
 * `devhost check`: replays every instance of the task hub that has not ended against the built app,
 * changing nothing, and lists those the build would fail, with the step where each diverges. Exit
 * code 0 = none would fail, 1 = some would, 2 = the command, the app or the task hub cannot be used
 * as given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/configError';
import { readHostJson } from '../config/hostJson';
import { readLocalSettings } from '../config/localSettings';
import { engineSettingsFor } from '../durable/engine/createEngine';
import { azuriteConnectionString } from '../emulators/azurite';
import { isAlive, readRunRecord } from '../emulators/runState';
import { isDevelopmentStorage } from '../emulators/settings';
import { defaultStateDir } from '../http/keyStore';
import { createLogger, type Logger } from '../log/logger';
import { resolveConnectionString, StorageConnectionError } from '../store/azure/connection';
import { AppLoadError } from '../worker/errors';
import { nativeProcess } from '../worker/nativeModules';
import { checkInFlight, describeInFlightReport, type InFlightInstance } from './inFlightCheck';
import { azureHubInstances, httpHubInstances, InFlightSourceError } from './inFlightSources';
import { loadReplayer } from './replay';

const checkUsage = `Usage: devhost check [--app-dir <dir>] [--storage memory|azure] [--state-dir <dir>] [--url <origin>]

Replays every orchestration instance of the task hub that has not ended (Running, Suspended, Pending)
against the built app, without changing anything, and lists those this build would fail, with the
step where each diverges. Exit code 1 when any would (run it before deploying an orchestrator change).

  --app-dir <dir>      the function app folder; default: current folder (run npm run build first)
  --storage memory     ask the devhost that runs the app (its memory task hub lives only in that
                       process) through its Durable HTTP API; this is the default, as for devhost start
  --storage azure      read the task hub from Azure Storage (AzureWebJobsStorage; UseDevelopmentStorage
                       means the Azurite npm start runs), straight from its tables
  --state-dir <dir>    devhost's state folder (keys.json, the embedded Azurite's ports); default <app-dir>/.devhost
  --url <origin>       where that devhost listens; default http://127.0.0.1:<local.settings.json LocalHttpPort or 7071>`;

class CheckUsageError extends Error {}

export interface CheckCommandIo {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  /** Where the app's own log lines go; default: devhost's text log. */
  logger?: Logger;
}

interface CheckOptions {
  appDir: string;
  stateDir: string;
  storage: 'memory' | 'azure';
  url: string | undefined;
}

/** Runs the command; returns the process exit code. */
export async function runCheckCommand(
  argv: readonly string[],
  io: CheckCommandIo = { out: process.stdout, err: process.stderr },
): Promise<number> {
  let options;
  try {
    options = readOptions(argv);
  } catch (err) {
    if (!(err instanceof CheckUsageError) && !(err instanceof TypeError)) throw err;
    io.err.write(`devhost check: ${err.message}\n\n${checkUsage}\n`);
    return 2;
  }
  if (options === 'help') {
    io.out.write(`${checkUsage}\n`);
    return 0;
  }
  try {
    const { source, where } = openSource(options);
    const replayer = await loadReplayer({ appDir: options.appDir, logger: io.logger ?? createLogger() });
    try {
      const report = await checkInFlight(replayer, source);
      io.out.write(`${describeInFlightReport(report, where)}\n`);
      return report.breaking.length > 0 ? 1 : 0;
    } finally {
      await replayer.close();
    }
  } catch (err) {
    const known =
      err instanceof InFlightSourceError ||
      err instanceof StorageConnectionError ||
      err instanceof AppLoadError ||
      err instanceof ConfigError;
    if (!known) throw err;
    const hint = 'hint' in err && typeof err.hint === 'string' ? `\n  ${err.hint}` : '';
    io.err.write(`devhost check: ${err.message}${hint}\n`);
    return 2;
  }
}

function openSource(options: CheckOptions): { source: AsyncIterable<InFlightInstance>; where: string } {
  const local = readLocalSettings(options.appDir);
  // As the host layers them: the environment wins over local.settings.json.
  const settings: Record<string, string | undefined> = { ...local.values, ...nativeProcess().env };
  if (options.storage === 'azure') {
    const hubName = engineSettingsFor({ hostJson: readHostJson(options.appDir).raw, env: settings }).hubName;
    const connectionString = storageConnection(settings.AzureWebJobsStorage, options.stateDir);
    return {
      source: azureHubInstances({ connectionString, hubName }),
      where: `task hub '${hubName}' in Azure Storage`,
    };
  }
  const origin = options.url ?? `http://127.0.0.1:${local.localHttpPort ?? 7071}`;
  const key = masterKey(options.stateDir);
  return {
    source: httpHubInstances({ origin, ...(key ? { key } : {}) }),
    where: `the devhost at ${origin}`,
  };
}

/** `UseDevelopmentStorage=true` names the Azurite devhost runs for the app when its record says so. */
function storageConnection(setting: string | undefined, stateDir: string): string {
  if (isDevelopmentStorage(setting)) {
    const record = readRunRecord(stateDir, 'azurite');
    if (record && isAlive(record.pid)) {
      const { blob, queue, table } = record.ports;
      if (blob !== undefined && queue !== undefined && table !== undefined) {
        return azuriteConnectionString(record.host, { blob, queue, table });
      }
    }
  }
  return resolveConnectionString(setting ?? 'UseDevelopmentStorage=true');
}

/** The master key of a devhost that enforces keys; read only, never created. */
function masterKey(stateDir: string): string | undefined {
  try {
    const keys = JSON.parse(fs.readFileSync(path.join(stateDir, 'keys.json'), 'utf8')) as {
      masterKey?: unknown;
    };
    return typeof keys.masterKey === 'string' ? keys.masterKey : undefined;
  } catch {
    return undefined;
  }
}

function readOptions(argv: readonly string[]): CheckOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      'app-dir': { type: 'string' },
      'state-dir': { type: 'string' },
      storage: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new CheckUsageError(`unexpected argument '${positionals[0]}'.`);
  const storage = values.storage ?? 'memory';
  if (storage !== 'memory' && storage !== 'azure') {
    throw new CheckUsageError(`--storage must be 'memory' or 'azure', not '${storage}'.`);
  }
  const appDir = path.resolve(values['app-dir'] ?? process.cwd());
  return {
    appDir,
    stateDir: path.resolve(values['state-dir'] ?? defaultStateDir(appDir)),
    storage,
    url: values.url,
  };
}
