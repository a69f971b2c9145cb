/**
 * Runs one orchestration work item: plan it, replay the orchestrator through the app (the replay
 * core builds the trigger payload and reads the SDK's reply), and checkpoint in DTF's order.
 * Continue-as-new starts the next generation in the same work item, as DTF does.
 */
import { EventType, type ExecutionStartedEvent, type HistoryEvent } from '../../protocol/history';
import { nextGenerationEvents } from '../replay';
import type { EpisodeInput } from '../replay/types';
import type { OrchestrationWorkItem, OutboundMessage, TaskHubStore } from '../../store/taskHubStore';
import type { Clock } from '../../clock/clock';
import { planEpisode } from './episodePlan';
import type { DurableFunctionApp } from './functionApp';
import { nextInstanceRow } from './instanceRow';
import { runLeasedWorkItem } from './leaseKeeper';
import { outboundMessages } from './outbound';
import { orchestrationSettings, runEpisode, type ReplayCore } from './runEpisode';
import type { EngineSettings } from './settings';

export { createReplayCore, type ReplayCore } from './runEpisode';

export interface EngineLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface OrchestrationDispatcherDeps {
  store: TaskHubStore;
  clock: Clock;
  app: DurableFunctionApp;
  replay: ReplayCore;
  settings: EngineSettings;
  log: EngineLog;
  newExecutionId: () => string;
  /** Runs work items of entity instances (`@name@key`); until set, their messages wait. */
  dispatchEntity?: (workItem: OrchestrationWorkItem) => Promise<void>;
  /** Entities already reported as waiting, so the log says it once per entity. */
  entitiesWaiting?: Set<string>;
  /**
   * Instances the current build would fail (`--park-nondeterministic`): their messages wait, given
   * back for a while each time they come up, until a rebuild replays them again.
   */
  parked?: ReadonlySet<string>;
}

/** How long a parked instance's messages stay out of sight before they are looked at again. */
const PARKED_RECHECK_MS = 5_000;

export async function dispatchOrchestration(
  deps: OrchestrationDispatcherDeps,
  workItem: OrchestrationWorkItem,
): Promise<void> {
  const lockMs = deps.settings.controlQueueVisibilityTimeoutMs;
  if (workItem.instanceId.startsWith('@')) {
    if (deps.dispatchEntity) return deps.dispatchEntity(workItem);
    if (!deps.entitiesWaiting?.has(workItem.instanceId)) {
      deps.entitiesWaiting?.add(workItem.instanceId);
      deps.log.warn(
        `Entity '${workItem.instanceId}' has messages, but this devhost does not run entity functions yet; they wait.`,
      );
    }
    await deps.store.abandonOrchestrationWorkItem(workItem, lockMs);
    return;
  }
  if (deps.parked?.has(workItem.instanceId)) {
    await deps.store.abandonOrchestrationWorkItem(workItem, PARKED_RECHECK_MS);
    return;
  }
  await runLeasedWorkItem(
    { clock: deps.clock, store: deps.store, lockMs, log: deps.log },
    workItem,
    `an episode of instance '${workItem.instanceId}'`,
    () => runWorkItem(deps, workItem),
  );
}

async function runWorkItem(
  deps: OrchestrationDispatcherDeps,
  workItem: OrchestrationWorkItem,
): Promise<void> {
  const now = new Date(deps.clock.now()).toISOString();
  const plan = planEpisode(workItem, now);
  const { store } = deps;
  if (plan.kind === 'discard') {
    deps.log.debug(`Discarded ${workItem.messages.length} message(s): ${plan.reason}.`);
    await store.completeOrchestrationWorkItem(workItem, {});
    return;
  }
  for (const reason of plan.dropped) {
    deps.log.debug(`Dropped a message for '${workItem.instanceId}': ${reason}.`);
  }

  const started = findStarted(plan.history) ?? findStarted(plan.newEvents);
  if (!started) throw new Error(`Instance '${workItem.instanceId}' has no ExecutionStarted event.`);

  const settings = orchestrationSettings(deps.app, deps.settings);
  const outbound: OutboundMessage[] = [];
  let generation = {
    started,
    executionId: plan.executionId,
    history: plan.history,
    newEvents: plan.newEvents,
  };
  // DTFC 2.17.1 TaskOrchestrationDispatcher: a work item's status is its last episode's own (a
  // new work item starts from null, never from the stored row), or, if that is null, the status of
  // the generation that continued as new into it within this work item (`carryOverStatus`).
  let carryOver: string | null = null;
  for (;;) {
    const input: EpisodeInput = {
      instanceId: workItem.instanceId,
      executionId: generation.executionId,
      history: generation.history,
      newEvents: generation.newEvents,
      now,
      settings,
    };
    const result = await runEpisode({ app: deps.app, replay: deps.replay }, generation.started.Name, input);
    for (const warning of result.warnings) deps.log.warn(`Instance '${workItem.instanceId}': ${warning}`);
    outbound.push(
      ...outboundMessages(result.work, {
        instance: generation.started.OrchestrationInstance,
        name: generation.started.Name,
        version: generation.started.Version,
        now,
        newExecutionId: deps.newExecutionId,
      }),
    );
    const events = [...generation.history, ...result.appended];
    if (result.continueAsNew) {
      carryOver = result.customStatus;
      const executionId = deps.newExecutionId();
      const newEvents = nextGenerationEvents(generation.started, {
        executionId,
        now,
        ...result.continueAsNew,
      });
      const next = findStarted(newEvents);
      if (!next) throw new Error('The next generation has no ExecutionStarted event.');
      generation = { started: next, executionId, history: [], newEvents };
      continue;
    }
    if (result.failureReason)
      deps.log.warn(`Instance '${workItem.instanceId}' failed: ${result.failureReason}`);
    const notice = result.parentNotification;
    const notify: OutboundMessage | undefined = notice && {
      message: {
        event: notice.event,
        orchestrationInstance: { InstanceId: notice.instanceId, ExecutionId: notice.executionId },
        sender: generation.started.OrchestrationInstance,
      },
    };
    if (notify) outbound.push(notify);
    await store.completeOrchestrationWorkItem(workItem, {
      outbound,
      history: { executionId: generation.executionId, events, rewrite: plan.rewritten },
      instance: nextInstanceRow(generation.started, {
        status: result.runtimeStatus,
        output: result.output,
        customStatus: result.customStatus ?? carryOver,
        now,
      }),
    });
    return;
  }
}

function findStarted(events: readonly HistoryEvent[]): ExecutionStartedEvent | undefined {
  return events.find((e): e is ExecutionStartedEvent => e.EventType === EventType.ExecutionStarted);
}
