/**
 * Builds a durable engine for a loaded app from its host.json: settings, the chosen store, the
 * replay core and the status history format. Both the devhost plugin and the test harness use it.
 */
import { MemoryTaskHubStore } from '../../store/memory/memoryTaskHubStore';
import type { TaskHubStore } from '../../store/taskHubStore';
import type { Clock } from '../../clock/clock';
import type { DurableFunctionApp } from '../scheduler/functionApp';
import { formatHistoryEvents } from '../replay';
import { createReplayCore, type EngineLog } from '../scheduler/orchestrationDispatcher';
import { readEngineSettings, type EngineSettings } from '../scheduler/settings';
import { DurableEngine } from './durableEngine';

export type StorageKind = 'memory' | 'azure';

export interface CreateEngineOptions {
  app: DurableFunctionApp;
  /** Parsed host.json (the whole file). */
  hostJson: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  storage?: StorageKind;
  log: EngineLog;
  /** Settings that win over host.json (tests). */
  settings?: Partial<EngineSettings>;
  /** An opened store (the azure one opens asynchronously); default: a new memory store. */
  store?: TaskHubStore;
}

/** host.json `extensions.durableTask` with the extension's defaults, then the overrides. */
export function engineSettingsFor(
  options: Pick<CreateEngineOptions, 'hostJson' | 'env' | 'settings'>,
): EngineSettings {
  const extensions = options.hostJson.extensions;
  const durableTask =
    typeof extensions === 'object' && extensions !== null
      ? (extensions as Record<string, unknown>).durableTask
      : undefined;
  return { ...readEngineSettings(durableTask, options.env), ...options.settings };
}

export function createDurableEngine(options: CreateEngineOptions): DurableEngine {
  const settings = engineSettingsFor(options);
  const storage = options.storage ?? 'memory';
  if (storage !== 'memory' && !options.store) {
    throw new Error(`The durable storage '${String(storage)}' needs an opened store.`);
  }
  const store =
    options.store ?? new MemoryTaskHubStore({ taskHubName: settings.hubName, clock: options.clock });
  return new DurableEngine({
    store,
    clock: options.clock,
    app: options.app,
    settings,
    replay: createReplayCore(),
    formatHistory: formatHistoryEvents,
    log: options.log,
    // Remote queues also receive work from other processes and after restarts: poll them too.
    ...(options.store ? { pollIntervalMs: 500 } : {}),
  });
}
