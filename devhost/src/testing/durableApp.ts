/**
 * The built app loaded for replays outside a running host (history replay, golden histories, the
 * in-flight check, fault injection): through the worker seam, as `devhost start` loads it, with its
 * local.settings.json `Values` in the environment while it is loaded and taken out again on close.
 */
import { readHostJson } from '../config/hostJson';
import { applyAppSettings, readLocalSettings } from '../config/localSettings';
import { engineSettingsFor } from '../durable/engine/createEngine';
import type { DurableFunctionApp } from '../durable/scheduler/functionApp';
import type { EngineSettings } from '../durable/scheduler/settings';
import { createMemoryLogger, type Logger } from '../log/logger';
import { FunctionApp } from '../worker/functionApp';
import { nativeProcess } from '../worker/nativeModules';

export interface LoadDurableAppOptions {
  /** The function app folder (host.json, package.json `main`), built. */
  appDir: string;
  /** Where the app's own log lines go; default: kept in memory. */
  logger?: Logger;
}

export interface LoadedDurableApp {
  app: DurableFunctionApp & { readonly directory: string };
  settings: EngineSettings;
  /** host.json `functionTimeout` (undefined: none). */
  functionTimeoutMs: number | undefined;
  /** Unloads the app and restores the environment as it was before. */
  close(): Promise<void>;
}

export async function loadDurableApp(options: LoadDurableAppOptions): Promise<LoadedDurableApp> {
  const env = nativeProcess().env;
  // Settings reach the app as under `devhost start` and `func start`, in case a module reads them at load.
  const restoreSettings = applyAppSettings(readLocalSettings(options.appDir).values, env);
  try {
    const hostJson = readHostJson(options.appDir);
    const settings = engineSettingsFor({ hostJson: hostJson.raw, env });
    const app = await FunctionApp.load({
      appDir: options.appDir,
      logger: options.logger ?? createMemoryLogger(),
    });
    return {
      app,
      settings,
      functionTimeoutMs: hostJson.functionTimeoutMs,
      close: async () => {
        try {
          await app.terminate();
        } finally {
          restoreSettings();
        }
      },
    };
  } catch (error) {
    restoreSettings();
    throw error;
  }
}
