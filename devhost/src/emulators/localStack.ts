/**
 * The local stack as `devhost start` uses it: start (or reuse) the requested emulators before the
 * app loads, point the app's settings at them, run the seed module, and offer the outbox viewer as
 * a plugin. See docs/local-stack.md.
 */
import { outboxPlugin } from './outbox/outboxPlugin';
import { outboxTarget } from './outbox/outboxWatcher';
import { parseEmulatorList, type StackFlags } from './cliArgs';
import { runSeed } from './seed';
import { resolvePorts } from './settings';
import { startEmulators, type Emulators } from './startEmulators';
import type { Logger } from '../log/logger';
import type { DevhostPlugin } from '../plugins/types';

export interface LocalStackOptions {
  appDir: string;
  /** devhost's state folder: emulator data, run records and logs live under it. */
  stateDir?: string;
  /** Names from `--emulators` (validated here). */
  emulators: readonly string[];
  flags?: Partial<StackFlags>;
  /** The app's environment; the emulator settings are written into it (and taken out again on close). */
  env: Record<string, string | undefined>;
  logger: Logger;
}

export interface LocalStack {
  readonly emulators: Emulators;
  /** Plugins to start with the app (the outbox viewer, when Cosmos is in use and a database is known). */
  readonly plugins: DevhostPlugin[];
  /** Restores the app settings it changed; stops the emulators only with `--stop-emulators-on-exit`. */
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const flags = options.flags ?? {};
  const names = parseEmulatorList(options.emulators.join(','));
  const { env, logger } = options;
  const emulators = await startEmulators({
    appDir: options.appDir,
    stateDir: options.stateDir,
    emulators: names,
    ports: resolvePorts(flags.ports ?? {}, env),
    inMemory: flags.inMemory ?? false,
    settings: env,
    log: (line) => logger.info(line),
  });
  const previous = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(emulators.appSettings)) {
    previous.set(key, env[key]);
    env[key] = value;
  }
  if ((emulators.azurite?.started || emulators.cosmos?.started) && !flags.stopOnExit) {
    logger.info(
      'The emulators keep running after devhost exits, so their data stays and the next start is quick; ' +
        '`npm run emulators:stop` stops them.',
    );
  }
  try {
    if (flags.seed) {
      await runSeed(flags.seed, { appDir: options.appDir, settings: env, log: (line) => logger.info(line) });
      logger.info(`Seeded with ${flags.seed}.`);
    }
  } catch (err) {
    await close();
    throw err;
  }

  const plugins: DevhostPlugin[] = [];
  if (emulators.cosmos) {
    const database = flags.outboxDatabase ?? env.COSMOS_DATABASE;
    if (!database) {
      logger.info('Outbox viewer off: set COSMOS_DATABASE (or pass --outbox-database) to turn it on.');
    } else if (emulators.cosmos.key === '') {
      logger.info('Outbox viewer off: it needs COSMOS_KEY for the configured COSMOS_ENDPOINT.');
    } else {
      plugins.push(outboxPlugin(outboxTarget(env, { database, container: flags.outboxContainer }), logger));
    }
  }

  async function close(): Promise<void> {
    for (const [key, value] of previous) {
      if (env[key] !== emulators.appSettings[key]) continue;
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    previous.clear();
    if (flags.stopOnExit) await emulators.stop();
    else emulators.detach();
  }
  return { emulators, plugins, close };
}
