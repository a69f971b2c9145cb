/**
 * Runs one entity work item (the messages of one `@name@key` instance), as the extension's
 * `EntityMiddleware` and `TaskEntityShim` do over DTF: rehydrate the scheduler state, plan the
 * batch, invoke the entity function once for the whole batch, then checkpoint in DTF's order —
 * responses, signals and follow-ups first, then the next execution (continue-as-new with the new
 * scheduler state as its input, the entity status as custom status), then the consumed messages.
 * A redelivered message is dropped by the message sorter persisted in that state.
 */
import { randomUUID } from 'node:crypto';
import { EventType, type ExecutionStartedEvent, type HistoryEvent } from '../../protocol/history';
import type {
  InstanceRow,
  OrchestrationWorkItem,
  OutboundMessage,
  TaskHubStore,
} from '../../store/taskHubStore';
import { parseEntityInstanceId } from '../../protocol/ids';
import type { Clock } from '../../clock/clock';
import { findDurableFunction, type DurableFunctionApp } from '../scheduler/functionApp';
import { runLeasedWorkItem } from '../scheduler/leaseKeeper';
import type { EngineLog } from '../scheduler/orchestrationDispatcher';
import type { EngineSettings } from '../scheduler/settings';
import { planBatch, type BatchPlan, type DeliveredMessage } from './batchPlan';
import { completeBatch, type BatchExecution, type EntityOutboundMessage } from './batchOutcome';
import { buildEntityTrigger, parseEntityReply } from './entityTrigger';
import {
  entityStatusJson,
  parseSchedulerState,
  serializeSchedulerState,
  type SchedulerState,
} from './schedulerState';

export interface EntityDispatcherDeps {
  store: TaskHubStore;
  clock: Clock;
  app: DurableFunctionApp;
  settings: EngineSettings;
  log: EngineLog;
  newExecutionId: () => string;
  /** Request ids of signals the entity sends (random GUIDs, as the extension's `Guid.NewGuid`). */
  newGuid?: () => string;
  /** Entities reported as having no function, so the log says it once per entity. */
  missingFunctionReported?: Set<string>;
}

export async function dispatchEntity(
  deps: EntityDispatcherDeps,
  workItem: OrchestrationWorkItem,
): Promise<void> {
  await runLeasedWorkItem(
    {
      clock: deps.clock,
      store: deps.store,
      lockMs: deps.settings.controlQueueVisibilityTimeoutMs,
      log: deps.log,
    },
    workItem,
    `the batch of entity '${workItem.instanceId}'`,
    () => runEntityWorkItem(deps, workItem),
  );
}

async function runEntityWorkItem(deps: EntityDispatcherDeps, workItem: OrchestrationWorkItem): Promise<void> {
  const { store, clock, settings } = deps;
  const entity = parseEntityInstanceId(workItem.instanceId);
  if (!entity || entity.name === '') {
    deps.log.warn(
      `Dropped ${workItem.messages.length} message(s) for '${workItem.instanceId}', which is not an entity id.`,
    );
    await store.completeOrchestrationWorkItem(workItem, {});
    return;
  }
  const nowMs = clock.now();
  const state = parseSchedulerState(currentInput(workItem));
  const delivered: DeliveredMessage[] = [];
  for (const received of workItem.messages) {
    const event = received.message.event;
    if (event.EventType === EventType.EventRaised) delivered.push({ name: event.Name, input: event.Input });
    else deps.log.debug(`Entity '${workItem.instanceId}' ignored a ${EventType[event.EventType]} message.`);
  }
  const plan = planBatch(state, delivered, nowMs, {
    maxBatchSize: settings.maxEntityOperationBatchSize,
    reorderWindowMs: settings.entityMessageReorderWindowMs,
  });
  for (const reason of plan.dropped)
    deps.log.warn(`Entity '${workItem.instanceId}' dropped a malformed message ${reason}`);

  let execution: BatchExecution | undefined;
  if (plan.operations.length > 0) {
    const fn = findDurableFunction(deps.app, 'entityTrigger', entity.name);
    if (!fn) {
      reportMissingFunction(deps, workItem.instanceId, entity.name);
      await store.abandonOrchestrationWorkItem(workItem, settings.controlQueueVisibilityTimeoutMs);
      return;
    }
    execution = await invokeEntity(deps, fn.name, entity, state, plan);
  }

  const executionId = workItem.instance?.executionId ?? deps.newExecutionId();
  // The extension labels what the batch sends, and checkpoints, after the batch ran.
  const doneMs = clock.now();
  const outbound = completeBatch(state, plan, execution, {
    entityInstanceId: workItem.instanceId,
    nowMs: doneMs,
    reorderWindowMs: settings.entityMessageReorderWindowMs,
    newGuid: deps.newGuid ?? randomUUID,
  });
  const now = new Date(doneMs).toISOString();
  const nextExecutionId = deps.newExecutionId();
  const started = nextExecution(workItem, state, nextExecutionId, now);
  await store.completeOrchestrationWorkItem(workItem, {
    outbound: outbound.map((message) =>
      toOutboundMessage(message, { InstanceId: workItem.instanceId, ExecutionId: executionId }, now),
    ),
    history: { executionId: nextExecutionId, events: [started] },
    instance: entityRow(started, state, now),
  });
}

async function invokeEntity(
  deps: EntityDispatcherDeps,
  functionName: string,
  self: { name: string; key: string },
  state: SchedulerState,
  plan: BatchPlan,
): Promise<BatchExecution> {
  const payload = buildEntityTrigger(self, state.exists, state.state, plan.operations);
  const outcome = await deps.app.invoke({ functionName, triggerData: { string: JSON.stringify(payload) } });
  if (outcome.status === 'failure') {
    // A timeout fails every operation of the batch and keeps the state; anything else aborts the batch.
    if (outcome.error.name === 'FunctionTimeoutError')
      return { kind: 'timeout', message: outcome.error.message };
    throw outcome.error;
  }
  const text = outcome.returnValue?.json ?? outcome.returnValue?.string;
  let value: unknown;
  try {
    value = text === undefined ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  return { kind: 'reply', reply: parseEntityReply(value, plan.operations.length) };
}

/** The scheduler state to start from: the current execution's input (history is written before the row). */
function currentInput(workItem: OrchestrationWorkItem): string | null {
  const started = workItem.history.find(
    (e): e is ExecutionStartedEvent => e.EventType === EventType.ExecutionStarted,
  );
  if (started) return started.Input;
  return workItem.instance?.input ?? null;
}

/** The next execution's start, as DTF's continue-as-new (and `Entities.AutoStart`) writes it. */
function nextExecution(
  workItem: OrchestrationWorkItem,
  state: SchedulerState,
  executionId: string,
  now: string,
): ExecutionStartedEvent {
  return {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: now,
    OrchestrationInstance: { InstanceId: workItem.instanceId, ExecutionId: executionId },
    ParentInstance: null,
    Name: workItem.instanceId,
    Version: '',
    Input: serializeSchedulerState(state),
    Tags: null,
    Correlation: null,
    ScheduledStartTime: null,
    Generation: workItem.instance ? workItem.instance.generation + 1 : 0,
  };
}

/** Entities stay Running; `createdTime` is the last batch's time (the extension's last operation time). */
function entityRow(started: ExecutionStartedEvent, state: SchedulerState, now: string): InstanceRow {
  return {
    instanceId: started.OrchestrationInstance.InstanceId,
    executionId: started.OrchestrationInstance.ExecutionId,
    name: started.Name,
    version: started.Version,
    input: started.Input,
    output: null,
    customStatus: entityStatusJson(state),
    runtimeStatus: 'Running',
    createdTime: now,
    lastUpdatedTime: now,
    completedTime: null,
    scheduledStartTime: null,
    generation: started.Generation,
    parentInstanceId: null,
  };
}

function toOutboundMessage(
  message: EntityOutboundMessage,
  sender: { InstanceId: string; ExecutionId: string },
  now: string,
): OutboundMessage {
  const event: HistoryEvent = {
    EventType: EventType.EventRaised,
    EventId: -1,
    IsPlayed: false,
    Timestamp: now,
    Name: message.name,
    Input: message.input,
  };
  return {
    message: {
      event,
      orchestrationInstance: { InstanceId: message.targetInstanceId, ExecutionId: message.targetExecutionId },
      sender,
    },
    ...(message.visibleAtMs !== undefined ? { visibleAt: message.visibleAtMs } : {}),
  };
}

function reportMissingFunction(deps: EntityDispatcherDeps, instanceId: string, name: string): void {
  if (deps.missingFunctionReported?.has(instanceId)) return;
  deps.missingFunctionReported?.add(instanceId);
  deps.log.warn(
    `Entity '${instanceId}' has operations, but the app has no entity function '${name}'; ` +
      'its messages wait (as on Azure, where they are retried until the function exists).',
  );
}
