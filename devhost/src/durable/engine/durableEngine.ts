/**
 * The durable engine: two pumps (orchestration work items, activity work items) over one task hub
 * store, driven by store notifications (and polling, for stores that cannot notify), with the
 * host.json concurrency limits, plus the management operations the HTTP API serves.
 */
import type { ActivityWorkItem, OrchestrationWorkItem, TaskHubStore } from '../../store/taskHubStore';
import { dispatchEntity } from '../entities/entityDispatcher';
import { dispatchActivity, type ActivityOverride } from '../scheduler/activityDispatcher';
import type { Clock } from '../../clock/clock';
import type { DurableFunctionApp } from '../scheduler/functionApp';
import { dispatchOrchestration, type EngineLog, type ReplayCore } from '../scheduler/orchestrationDispatcher';
import type { EngineSettings } from '../scheduler/settings';
import { WorkPump } from '../scheduler/workPump';
import { EngineOperations, type HistoryFormatter } from './engineOperations';
import { newGuidN } from '../../protocol/ids';

export interface DurableEngineOptions {
  store: TaskHubStore;
  clock: Clock;
  app: DurableFunctionApp;
  settings: EngineSettings;
  replay: ReplayCore;
  formatHistory: HistoryFormatter;
  log: EngineLog;
  /** Real-time polling for stores whose notifications can miss work (remote queues). */
  pollIntervalMs?: number;
}

export class DurableEngine {
  readonly operations: EngineOperations;
  readonly store: TaskHubStore;
  readonly clock: Clock;
  readonly settings: EngineSettings;
  /** Test overrides of activity handlers, keyed by lower-cased name. */
  readonly activityOverrides = new Map<string, ActivityOverride>();
  /** Instances whose work waits until a rebuild replays them (`--park-nondeterministic`). */
  readonly parked = new Set<string>();
  private readonly orchestrations: WorkPump<OrchestrationWorkItem>;
  private readonly activities: WorkPump<ActivityWorkItem>;
  private readonly entitiesWaiting = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private poller: NodeJS.Timeout | undefined;

  constructor(private readonly options: DurableEngineOptions) {
    const { store, clock, app, settings, replay, log } = options;
    this.store = store;
    this.clock = clock;
    this.settings = settings;
    this.operations = new EngineOperations({ store, clock, app, formatHistory: options.formatHistory });
    const onError = (error: unknown) =>
      log.error(
        `Durable engine error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    this.orchestrations = new WorkPump({
      name: 'maxConcurrentOrchestratorFunctions',
      capacity: settings.maxConcurrentOrchestratorFunctions,
      receive: () => store.receiveOrchestrationWorkItem(settings.controlQueueVisibilityTimeoutMs),
      handle: (item) =>
        dispatchOrchestration(
          {
            store,
            clock,
            app,
            replay,
            settings,
            log,
            newExecutionId: newGuidN,
            entitiesWaiting: this.entitiesWaiting,
            parked: this.parked,
            dispatchEntity: (entity) =>
              dispatchEntity(
                {
                  store,
                  clock,
                  app,
                  settings,
                  log,
                  newExecutionId: newGuidN,
                  missingFunctionReported: this.entitiesWaiting,
                },
                entity,
              ),
          },
          item,
        ),
      onError,
    });
    this.activities = new WorkPump({
      name: 'maxConcurrentActivityFunctions',
      capacity: settings.maxConcurrentActivityFunctions,
      receive: () => store.receiveActivityWorkItem(settings.workItemQueueVisibilityTimeoutMs),
      handle: (item) =>
        dispatchActivity({ store, clock, app, settings, log, overrides: this.activityOverrides }, item),
      onError,
    });
  }

  start(): void {
    this.unsubscribe = this.store.onWorkAvailable(() => this.kick());
    if (this.options.pollIntervalMs !== undefined) {
      this.poller = setInterval(() => this.kick(), this.options.pollIntervalMs);
      this.poller.unref();
    }
    this.kick();
  }

  /** Stops taking work, waits for what runs, and closes the store. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.poller) clearInterval(this.poller);
    await Promise.all([this.orchestrations.stop(), this.activities.stop()]);
    await this.store.close();
  }

  get idle(): boolean {
    return this.orchestrations.idle && this.activities.idle;
  }

  /** Highest concurrency each pump reached (for the concurrency-limit tests and benchmarks). */
  get peakConcurrency(): { orchestrations: number; activities: number } {
    return {
      orchestrations: this.orchestrations.peakConcurrency,
      activities: this.activities.peakConcurrency,
    };
  }

  /** Resolves when neither pump has anything running or visible to take. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.orchestrations.whenIdle();
      await this.activities.whenIdle();
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.idle) return;
    }
  }

  private kick(): void {
    this.orchestrations.kick();
    this.activities.kick();
  }
}
