/**
 * The in-flight check under `--watch`: after each rebuild, before the new build takes work, every
 * instance of the durable plugin's task hub that has not ended is replayed against it, and each one
 * it would fail is named in a warning. With `park`, those instances are parked instead of failed:
 * their messages wait until a later rebuild replays them again (the code was fixed), when they run on.
 */
import type { DurablePlugin } from '../durable/engine/durablePlugin';
import type { DevhostPlugin, PluginContext, ReloadingApp } from '../plugins/types';
import type { DisposableLike } from '../worker/types';
import { checkInFlight, storeInstances, type InFlightReport } from './inFlightCheck';
import { createReplayer } from './replay';

export interface InFlightGuardOptions {
  /** The durable plugin whose task hub is checked. */
  durable: DurablePlugin;
  /** Keep the instances a rebuild would fail from running until a later rebuild replays them. */
  park?: boolean;
}

export interface InFlightGuard extends DevhostPlugin {
  /** The last check's result (after the first reload). */
  readonly lastReport: InFlightReport | undefined;
}

export function inFlightGuard(options: InFlightGuardOptions): InFlightGuard {
  let subscription: DisposableLike | undefined;
  let lastReport: InFlightReport | undefined;

  async function check(context: PluginContext, next: ReloadingApp): Promise<void> {
    const engine = options.durable.engine;
    if (!engine) return;
    const report = await checkInFlight(createReplayer(next, engine.settings), storeInstances(engine.store));
    lastReport = report;
    const breaking = new Set(report.breaking.map((f) => f.instanceId));
    for (const finding of report.breaking) {
      context.logger.warn(
        `Instance '${finding.instanceId}' (${finding.name}) would fail with the rebuilt app: ${finding.message}. ` +
          (options.park
            ? 'It is parked: it waits until a rebuild replays it again.'
            : 'Restart with --park-nondeterministic to keep such instances parked until the code is fixed ' +
              'instead of failing them.'),
        { instanceId: finding.instanceId },
      );
    }
    if (!options.park) return;
    for (const id of [...engine.parked]) {
      if (breaking.has(id)) continue;
      engine.parked.delete(id);
      context.logger.info(`Instance '${id}' replays with the rebuilt app again: it runs on.`, {
        instanceId: id,
      });
    }
    for (const id of breaking) engine.parked.add(id);
  }

  return {
    name: 'in-flight check',
    triggerTypes: [],
    get lastReport() {
      return lastReport;
    },
    start(context) {
      subscription = context.onAppReloading?.((next) => check(context, next));
      return Promise.resolve();
    },
    stop() {
      subscription?.dispose();
      return Promise.resolve();
    },
  };
}
