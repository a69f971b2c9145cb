#!/usr/bin/env node
/**
 * The local stack on its own, for people who run `func start` themselves:
 *
 *   devhost emulators start  [--app-dir <dir>] [--state-dir <dir>] [--emulators azurite,cosmos] [port flags] [--in-memory] [--seed <module>]
 *   devhost emulators stop   [--app-dir <dir>] [--state-dir <dir>]
 *   devhost emulators status [--app-dir <dir>] [--state-dir <dir>]
 *   devhost reset   [--app-dir <dir>] [--yes]
 *   devhost outbox  [--app-dir <dir>] [--database <db>] [--container <c>] [--list]
 *
 * (`npm run emulators`, `npm run emulators:stop`, `npm run reset`.) See docs/local-stack.md.
 */
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { takeStackFlags } from './cliArgs';
import { EMULATOR_NAMES } from './defaults';
import { readAppSettings } from './localSettings';
import { resetLocalData } from './reset';
import { defaultStateDir } from './runState';
import { runSeed } from './seed';
import { resolvePorts } from './settings';
import { startEmulators } from './startEmulators';
import { emulatorStatus, stopEmulators } from './stopEmulators';
import { ensureError } from '../worker/errors';

const USAGE = `usage: cli.js <start|stop|status|reset|outbox> [--app-dir <dir>] [options]
          --state-dir <dir>  where devhost keeps run records and data (default <app-dir>/.devhost),
                             as given to devhost start; for start, stop and status
  start   start (or reuse) the emulators; they keep running in the background
          --emulators azurite,cosmos  --azurite-blob-port <n> --azurite-queue-port <n>
          --azurite-table-port <n> --cosmos-port <n>  --in-memory  --seed <module>
  stop    stop the emulators devhost started for this app
  status  show them
  reset   stop them and delete this app's local data (.devhost/); asks first unless --yes
  outbox  print outbox documents as they are written (--list: print them all and exit)
          --database <db> (default COSMOS_DATABASE)  --container <c> (default outbox)`;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

interface CommonArgs {
  appDir: string;
  /** `--state-dir`, as devhost was started with; default `<appDir>/.devhost`. */
  stateDir?: string;
  yes: boolean;
  list: boolean;
  database?: string;
  container?: string;
}

function takeCommon(argv: string[]): CommonArgs {
  const out: CommonArgs = { appDir: process.cwd(), yes: false, list: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const next = (): string => {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${arg ?? ''} needs a value.\n${USAGE}`);
      i += 1;
      return value;
    };
    if (arg === '--app-dir') out.appDir = path.resolve(next());
    else if (arg === '--state-dir') out.stateDir = path.resolve(next());
    else if (arg === '--yes' || arg === '-y') out.yes = true;
    else if (arg === '--list') out.list = true;
    else if (arg === '--database') out.database = next();
    else if (arg === '--container') out.container = next();
    else throw new Error(`unknown option ${arg ?? ''}\n${USAGE}`);
  }
  return out;
}

async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function start(argv: string[]): Promise<void> {
  const { flags, rest } = takeStackFlags(argv);
  const common = takeCommon(rest);
  const settings = readAppSettings(common.appDir);
  const emulators = await startEmulators({
    appDir: common.appDir,
    ...(common.stateDir !== undefined ? { stateDir: common.stateDir } : {}),
    emulators: flags.emulators ?? EMULATOR_NAMES,
    ports: resolvePorts(flags.ports, process.env),
    inMemory: flags.inMemory,
    settings,
    supervise: false,
    log,
  });
  emulators.detach();
  for (const [key, value] of Object.entries(emulators.appSettings)) {
    if (settings[key] !== value) log(`  for func start, set ${key}=${value}`);
  }
  if (flags.seed) {
    Object.assign(process.env, emulators.appSettings);
    await runSeed(flags.seed, {
      appDir: common.appDir,
      settings: { ...settings, ...emulators.appSettings },
      log,
    });
    log(`seeded with ${flags.seed}`);
  }
  log(
    'The emulators keep running in the background: `npm run emulators:stop` stops them, `npm run reset` wipes their data.',
  );
}

async function outbox(argv: string[]): Promise<void> {
  // Loaded on demand: the Cosmos SDK takes most of a second to load, which start and stop don't need.
  const { connectOutbox, watchOutbox, listOutbox, formatOutboxDocument, outboxTarget } =
    await import('./outbox/outboxWatcher');
  const common = takeCommon(argv);
  const settings = readAppSettings(common.appDir);
  const target = outboxTarget(settings, { database: common.database, container: common.container });
  if (common.list) {
    const connection = connectOutbox(target);
    try {
      for (const doc of await listOutbox(connection.container)) log(formatOutboxDocument(doc));
    } finally {
      connection.dispose();
    }
    return;
  }
  const watcher = watchOutbox({ ...target, onDocument: (doc) => log(formatOutboxDocument(doc)), log });
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  watcher.stop();
}

/**
 * Runs one local-stack command (`start`, `stop`, `status`, `reset`, `outbox`). `devhost emulators
 * <command>` and `devhost reset` delegate here.
 */
export async function runEmulatorsCommand(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case 'stop': {
      const { appDir, stateDir } = takeCommon(rest);
      for (const line of await stopEmulators(appDir, { stateDir })) log(line);
      return;
    }
    case 'status': {
      const { appDir, stateDir } = takeCommon(rest);
      for (const s of emulatorStatus(appDir, stateDir)) {
        log(
          s.running
            ? `${s.emulator}: running, pid ${s.pid ?? '?'}, ports ${JSON.stringify(s.ports)}, data ${s.dataDir ?? 'in memory'}, log ${s.logFile ?? '-'}`
            : `${s.emulator}: not running (as far as devhost recorded in ${stateDir ?? defaultStateDir(appDir)})`,
        );
      }
      return;
    }
    case 'reset': {
      const { appDir, yes } = takeCommon(rest);
      if (!yes) {
        if (!process.stdin.isTTY) throw new Error('reset deletes all local data: add --yes to confirm.');
        const ok = await confirm(`Stop the emulators and delete ${path.join(appDir, '.devhost')}? [y/N] `);
        if (!ok) {
          log('nothing deleted');
          return;
        }
      }
      return resetLocalData(appDir, log);
    }
    case 'outbox':
      return outbox(rest);
    default:
      throw new Error(USAGE);
  }
}

if (require.main === module) {
  runEmulatorsCommand(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${ensureError(err).message}\n`);
    process.exit(1);
  });
}
