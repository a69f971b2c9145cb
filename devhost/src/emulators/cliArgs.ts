/** Flags of the local stack, shared by `devhost start` and the standalone emulators CLI. Pure. */
import { EMULATOR_NAMES, type EmulatorName } from './defaults';
import { EmulatorError } from './errors';
import type { StackPorts } from './settings';

export interface StackFlags {
  emulators?: EmulatorName[];
  ports: Partial<Record<keyof StackPorts, string>>;
  inMemory: boolean;
  stopOnExit: boolean;
  seed?: string;
  outboxDatabase?: string;
  outboxContainer?: string;
}

const PORT_FLAG_KEYS: Record<string, keyof StackPorts> = {
  '--azurite-blob-port': 'blob',
  '--azurite-queue-port': 'queue',
  '--azurite-table-port': 'table',
  '--cosmos-port': 'cosmos',
};

export function parseEmulatorList(value: string): EmulatorName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'none') return [];
  for (const name of names) {
    if (!(EMULATOR_NAMES as readonly string[]).includes(name)) {
      throw new EmulatorError(
        `--emulators: unknown emulator "${name}"; use a comma-separated list of ${EMULATOR_NAMES.join(', ')} (or none).`,
      );
    }
  }
  return [...new Set(names as EmulatorName[])];
}

/**
 * Takes the local-stack flags out of `argv` and returns them with the rest, so a host CLI can parse
 * its own flags from what is left.
 */
export function takeStackFlags(argv: readonly string[]): { flags: StackFlags; rest: string[] } {
  const flags: StackFlags = { ports: {}, inMemory: false, stopOnExit: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new EmulatorError(`${name} needs a value.`);
      i += 1;
      return next;
    };
    const portKey = PORT_FLAG_KEYS[name];
    if (portKey) flags.ports[portKey] = value();
    else if (name === '--emulators') flags.emulators = parseEmulatorList(value());
    else if (name === '--in-memory') flags.inMemory = true;
    else if (name === '--stop-emulators-on-exit') flags.stopOnExit = true;
    else if (name === '--seed') flags.seed = value();
    else if (name === '--outbox-database') flags.outboxDatabase = value();
    else if (name === '--outbox-container') flags.outboxContainer = value();
    else rest.push(arg);
  }
  return { flags, rest };
}

/** Help text for the local-stack flags of `devhost start`. */
export const stackUsage = `Local stack (see docs/local-stack.md):
  --emulators <list>               start or reuse local services before the app: azurite, cosmos (or none)
  --azurite-blob-port <n>          default 10000 (DEVHOST_AZURITE_BLOB_PORT); also --azurite-queue-port (10001),
                                   --azurite-table-port (10002)
  --cosmos-port <n>                default 8081 (DEVHOST_COSMOS_PORT)
  --in-memory                      emulators without data on disk
  --stop-emulators-on-exit         stop the emulators this devhost started when it exits (default: keep them)
  --seed <module>                  run <module>'s seed(context) after the emulators are up, before the app loads
  --outbox-database <db>           outbox viewer database (default COSMOS_DATABASE); --outbox-container <c> (outbox)

Commands: devhost emulators <start|stop|status> [--app-dir <dir>] [--state-dir <dir>], devhost reset [--yes],
devhost outbox [--list]`;
