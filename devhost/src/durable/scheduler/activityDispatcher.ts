/**
 * Runs one activity work item: invoke the activity through the app (or perform the built-in HTTP
 * activity, or call a test's override), then enqueue the result for the orchestration before
 * deleting the work item, so a crash repeats the activity rather than losing its result.
 */
import { EventType } from '../../protocol/history';
import { activityBindingText, activityInputValue, HTTP_ACTIVITY_NAME } from '../replay';
import type { ActivityWorkItem, TaskHubStore, TaskMessage } from '../../store/taskHubStore';
import { returnValueText, taskCompleted, taskFailed, valueText } from './activityResult';
import type { Clock } from '../../clock/clock';
import { findDurableFunction, type DurableFunctionApp } from './functionApp';
import { performHttpRequest, readHttpRequest } from './httpActivity';
import { keepLeased } from './leaseKeeper';
import type { EngineLog } from './orchestrationDispatcher';
import type { EngineSettings } from './settings';

/** Replaces an activity's handler (tests): gets the input the real handler would get. */
export type ActivityOverride = (
  input: unknown,
  context: { instanceId: string; activityName: string },
) => unknown;

export interface ActivityDispatcherDeps {
  store: TaskHubStore;
  clock: Clock;
  app: DurableFunctionApp;
  settings: EngineSettings;
  log: EngineLog;
  /** Keyed by lower-cased activity name. */
  overrides: ReadonlyMap<string, ActivityOverride>;
}

export async function dispatchActivity(
  deps: ActivityDispatcherDeps,
  workItem: ActivityWorkItem,
): Promise<void> {
  const lockMs = deps.settings.workItemQueueVisibilityTimeoutMs;
  const stopRenewing = keepLeased(
    deps.clock,
    workItem.lockedUntil,
    lockMs,
    () => deps.store.renewActivityWorkItem(workItem, lockMs),
    (error) => deps.log.warn(`Lost the lease on an activity message: ${String(error)}`),
  );
  try {
    const event = workItem.message.event;
    if (event.EventType !== EventType.TaskScheduled) {
      deps.log.warn(`Dropped a ${EventType[event.EventType]} message found in the activity queue.`);
      return;
    }
    const instanceId = workItem.message.orchestrationInstance.InstanceId;
    const resultEvent = await runActivity(deps, event.Name, event.Input, event.EventId, instanceId);
    const result: TaskMessage = {
      event: resultEvent,
      orchestrationInstance: workItem.message.orchestrationInstance,
    };
    await deps.store.completeActivityWorkItem(workItem, result);
  } catch (error) {
    const delayMs = Math.min(2 ** workItem.dequeueCount * 1000, lockMs);
    deps.log.error(`devhost failed while running an activity; retrying in ${delayMs} ms: ${String(error)}`);
    await deps.store.abandonActivityWorkItem(workItem, delayMs);
  } finally {
    stopRenewing();
  }
}

async function runActivity(
  deps: ActivityDispatcherDeps,
  name: string,
  parameters: string | null,
  taskScheduledId: number,
  instanceId: string,
) {
  const at = () => new Date(deps.clock.now()).toISOString();
  const override = deps.overrides.get(name.toLowerCase());
  if (override) {
    try {
      const value = await override(activityInputValue(parameters), { instanceId, activityName: name });
      return taskCompleted(taskScheduledId, valueText(value), at());
    } catch (error) {
      return taskFailed(taskScheduledId, name, asError(error), at());
    }
  }
  if (name === HTTP_ACTIVITY_NAME) {
    try {
      const response = await performHttpRequest(readHttpRequest(parameters));
      return taskCompleted(taskScheduledId, JSON.stringify(response), at());
    } catch (error) {
      return taskFailed(taskScheduledId, name, asError(error), at(), 'host');
    }
  }
  const fn = findDurableFunction(deps.app, 'activityTrigger', name);
  if (!fn) {
    // EXT 2.13.7 TaskNonexistentActivityShim: a stale call to an activity the app no longer has.
    return taskFailed(
      taskScheduledId,
      name,
      { message: `Activity function '${name}' does not exist.` },
      at(),
      'host',
    );
  }
  const text = activityBindingText(parameters);
  const outcome = await deps.app.invoke({
    functionName: fn.name,
    triggerData: text === null ? {} : { string: text },
  });
  if (outcome.status === 'failure') return taskFailed(taskScheduledId, fn.name, outcome.error, at());
  return taskCompleted(taskScheduledId, returnValueText(outcome.returnValue), at());
}

function asError(error: unknown): { message: string; stack?: string } {
  if (error instanceof Error)
    return { message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { message: String(error) };
}
