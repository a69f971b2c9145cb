/**
 * The devhost plugin that runs durable functions: the engine (orchestration and activity
 * triggers) over the chosen task hub store, and the Durable HTTP API (webhooks, loopback RPC,
 * `durableClient` input) over the engine's operations.
 */
import { mountDurableHttpApi, type MountedDurableHttpApi } from '../client/mountDurableHttpApi';
import type { Clock } from '../../clock/clock';
import type { EngineSettings } from '../scheduler/settings';
import type { DevhostPlugin, PluginContext } from '../../plugins/types';
import { openAzureStore } from '../../store/azure/openFromHost';
import { createDashboardApi, DASHBOARD_API_PATH } from '../../http/dashboardApi';
import type { DisposableLike } from '../../worker/types';
import { InstanceInspector } from './instanceInspector';
import { createDurableEngine, engineSettingsFor, type StorageKind } from './createEngine';
import type { DurableEngine } from './durableEngine';

export interface DurablePluginOptions {
  /** Default `memory` (the only store so far). */
  storage?: StorageKind;
  /** Default: devhost's clock (the plugin context's). */
  clock?: Clock;
  /** Settings that win over host.json. */
  settings?: Partial<EngineSettings>;
  /** First port to try for the loopback RPC listener (default the extension's 17071; 0 = any). */
  rpcPort?: number;
}

export interface DurablePlugin extends DevhostPlugin {
  /** The running engine (after `start`). */
  readonly engine: DurableEngine | undefined;
  /** The mounted Durable HTTP API (after `start`). */
  readonly api: MountedDurableHttpApi | undefined;
}

export function durablePlugin(options: DurablePluginOptions = {}): DurablePlugin {
  let engine: DurableEngine | undefined;
  let api: MountedDurableHttpApi | undefined;
  let dashboardApi: DisposableLike | undefined;
  return {
    name: 'durable',
    triggerTypes: ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'],
    get engine() {
      return engine;
    },
    get api() {
      return api;
    },
    async start(context: PluginContext) {
      const clock = options.clock ?? context.clock;
      const storage = options.storage ?? 'memory';
      const base = {
        app: context.app,
        hostJson: context.hostJson,
        env: context.env,
        clock,
        storage,
        log: context.logger,
        ...(options.settings ? { settings: options.settings } : {}),
      };
      if (storage === 'azure') {
        const { hubName } = engineSettingsFor(base);
        const store = await openAzureStore({ ...base, hubName, log: context.logger });
        engine = createDurableEngine({ ...base, store });
        context.logger.info(`Durable task hub '${hubName}' uses Azure Storage (AzureWebJobsStorage).`);
      } else {
        engine = createDurableEngine(base);
        context.logger.info(
          `Durable task hub '${engine.settings.hubName}' uses the memory store: orchestration state lives in this ` +
            'process only and is lost when devhost stops.',
        );
      }
      engine.start();
      try {
        api = await mountDurableHttpApi(context, {
          operations: engine.operations,
          clock,
          log: (message) => context.logger.debug(message),
          ...(options.rpcPort !== undefined ? { rpcPort: options.rpcPort } : {}),
        });
        const inspection = new InstanceInspector({
          store: engine.store,
          app: context.app,
          settings: engine.settings,
          clock,
        });
        dashboardApi = context.mountHttp(
          DASHBOARD_API_PATH,
          createDashboardApi({ operations: engine.operations, inspection, keys: context.keys }),
        );
      } catch (error) {
        await engine.stop();
        engine = undefined;
        throw error;
      }
    },
    stopTakingWork() {
      engine?.stopTakingWork();
    },
    async stop(shutdown) {
      dashboardApi?.dispose();
      // The engine first: an activity still running may call the durable client (the RPC listener).
      await engine?.stop(shutdown ? { deadline: shutdown.deadline } : {});
      await api?.close();
    },
  };
}
