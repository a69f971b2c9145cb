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
  private readonly orchestrations: WorkPump<OrchestrationWorkItem>;
  private readonly activities: WorkPump<ActivityWorkItem>;
  private readonly entitiesWaiting = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private poller: NodeJS.Timeout | undefined;
  private halted = false;

  constructor(private readonly options: DurableEngineOptions) {
    const { store, clock, app, settings, replay, log } = options;
    this.store = store;
    this.clock = clock;
    this.settings = settings;
    this.operations = new EngineOperations({
      store,
      clock,
      app,
      formatHistory: options.formatHistory,
      overridableExistingInstanceStates: settings.overridableExistingInstanceStates,
    });
    const onError = (error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      // Work handed back at shutdown may still end, against a closed store: expected, not an error.
      if (this.halted) log.debug(`Durable engine (stopping): ${text}`);
      else log.error(`Durable engine error: ${text}`);
    };
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
      giveBack: (item) => store.abandonOrchestrationWorkItem(item, 0),
    });
    this.activities = new WorkPump({
      name: 'maxConcurrentActivityFunctions',
      capacity: settings.maxConcurrentActivityFunctions,
      receive: () => store.receiveActivityWorkItem(settings.workItemQueueVisibilityTimeoutMs),
      handle: (item) =>
        dispatchActivity({ store, clock, app, settings, log, overrides: this.activityOverrides }, item),
      onError,
      giveBack: (item) => store.abandonActivityWorkItem(item, 0),
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

  /** Takes no new work items from now on (a backlog stays in the store); running ones go on. */
  stopTakingWork(): void {
    this.halted = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.poller) clearInterval(this.poller);
    this.orchestrations.halt();
    this.activities.halt();
  }

  /**
   * Stops taking work, waits for the running work items until `deadline` (epoch ms, real time;
   * default: as long as they take), hands back the ones still running (their messages become
   * visible at once, so the next start runs them again, as after a lost lease), and closes the store.
   */
  async stop(options: { deadline?: number } = {}): Promise<void> {
    this.stopTakingWork();
    const idle = Promise.all([this.orchestrations.whenIdle(), this.activities.whenIdle()]);
    let timer: NodeJS.Timeout | undefined;
    if (options.deadline !== undefined) {
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, options.deadline! - Date.now()));
      });
      await Promise.race([idle, timeout]);
      clearTimeout(timer);
    } else {
      await idle;
    }
    const orchestrations = this.orchestrations.runningItems;
    const activities = this.activities.runningItems;
    if (orchestrations.length + activities.length > 0) {
      this.options.log.warn(
        `Shutdown timeout reached: handing ${orchestrations.length} orchestration and ${activities.length} ` +
          'activity work item(s) still running back to the task hub; they run again on the next start.',
      );
      await Promise.all([
        ...orchestrations.map((item) => this.store.abandonOrchestrationWorkItem(item, 0)),
        ...activities.map((item) => this.store.abandonActivityWorkItem(item, 0)),
      ]);
    }
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
