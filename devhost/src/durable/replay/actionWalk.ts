/**
 * The extension's `OutOfProcOrchestrationShim` for replay schema V3: walk the SDK's action list in
 * order, call the matching DTF API for each, and await its task before the next one (exceptions of
 * awaited tasks are swallowed; the SDK handles them). The walk's progress is what allocates ids.
 */
import { ActionType, type OrchestratorAction } from '../../protocol/actions';
import type { DtfContext } from './dtfContext';
import { EventNames, scheduledRequestEventName } from '../../protocol/entityMessages';
import { MessageSorter } from '../../protocol/messageSorter';
import { entityNameFromSchedulerId, entityRequestMessage } from './entityMessages';
import { OrchestrationFault } from './errors';
import { hasName, unknownFunctionMessage } from './functionNames';
import { HostTask, whenAll, whenAny } from './hostTask';
import { callHttp } from './httpPolling';
import { serializeInput } from './payloads';
import { withRetry } from './retry';
import { createDurableTimer } from './timers';
import type { OrchestrationSettings } from './types';

const DONE = HostTask.of({ ok: true, result: null });

export interface WalkEnvironment {
  ctx: DtfContext;
  settings: OrchestrationSettings;
  orchestrationName: string;
  parentInstanceId: string | null;
  warn: (message: string) => void;
}

export class ActionWalk {
  finished = false;
  /** Set when the walk threw: the orchestration fails with this message (once no task is open). */
  fault: string | undefined;
  /** The extension's per-context sorter: rebuilt on every replay, so labels repeat exactly. */
  private readonly entityLabels = new MessageSorter();
  private actions: readonly OrchestratorAction[] = [];
  /** How many actions the walk has taken; the last one taken is the one it waits on. */
  private taken = 0;

  constructor(private readonly env: WalkEnvironment) {}

  start(actions: readonly OrchestratorAction[]): void {
    this.actions = actions;
    this.taken = 0;
    this.step();
  }

  /**
   * Goes on with a later reply's actions, if the walk waits on a task and the reply begins with the
   * very action objects it has taken (`scheduler/replyText.ts` hands out the same frozen objects for
   * a reply's unchanged actions): a walk from the start over those actions and the same history
   * would stand exactly here. False if not; the caller then replays from the start.
   */
  extend(actions: readonly OrchestratorAction[]): boolean {
    if (this.finished || this.fault !== undefined || actions.length < this.taken) return false;
    for (let index = 0; index < this.taken; index++) {
      if (actions[index] !== this.actions[index]) return false;
    }
    this.actions = actions;
    return true;
  }

  private readonly step = (): void => {
    try {
      while (this.taken < this.actions.length) {
        const action = this.actions[this.taken++] as OrchestratorAction;
        const task = this.invoke(action);
        if (!task.done) {
          task.whenDone(this.step);
          return;
        }
      }
      this.finished = true;
    } catch (error) {
      if (!(error instanceof OrchestrationFault)) throw error;
      this.fault = error.message;
    }
  };

  private invoke(action: OrchestratorAction): HostTask {
    const { ctx, settings } = this.env;
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry: {
        const name = this.requireName(action, 'activity');
        return action.actionType === ActionType.CallActivity
          ? ctx.scheduleTask(name, action.input)
          : withRetry(ctx, this.requireRetry(action), () => ctx.scheduleTask(name, action.input));
      }
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const name = this.requireName(action, 'orchestrator');
        this.checkSubOrchestrationId(action.instanceId);
        const attempt = (): HostTask =>
          ctx.createSubOrchestration(name, action.instanceId, serializeInput(action.input));
        return action.actionType === ActionType.CallSubOrchestrator
          ? attempt()
          : withRetry(ctx, this.requireRetry(action), attempt);
      }
      case ActionType.ContinueAsNew:
        ctx.continueAsNew(serializeInput(action.input));
        return DONE;
      case ActionType.CreateTimer:
        return createDurableTimer(ctx, settings, this.requireTime(action.fireAt), action.isCanceled === true);
      case ActionType.WaitForExternalEvent:
        return ctx.waitForEvent(this.requireString(action.externalEventName, 'externalEventName', action));
      case ActionType.CallEntity:
        return ctx.waitForEvent(this.sendEntityRequest(action, false), 'entityResponse');
      case ActionType.SignalEntity:
        this.sendEntityRequest(action, true);
        return DONE;
      case ActionType.ScheduledSignalEntity:
        this.sendEntityRequest(action, true, this.requireTime(action.fireAt));
        return DONE;
      case ActionType.CallHttp:
        if (action.httpRequest === undefined) throw this.malformed(action, 'httpRequest');
        return callHttp(ctx, action.httpRequest, settings.defaultHttpAsyncRequestSleepMs);
      case ActionType.WhenAll:
        return whenAll((action.compoundActions ?? []).map((child) => this.invoke(child)));
      case ActionType.WhenAny: {
        const children = (action.compoundActions ?? []).map((child) => this.invoke(child));
        if (children.length === 0) throw new OrchestrationFault('The tasks argument contains no tasks.');
        return whenAny(children);
      }
      default:
        if (
          action.actionType === ActionType.LockEntities ||
          action.actionType === ActionType.ReleaseEntities
        ) {
          this.env.warn(
            `Orchestration '${this.env.orchestrationName}' (${ctx.instanceId}) sent an entity lock action; ` +
              'locks need replay schema V4, which the pinned Durable extension (and so devhost) does not speak.',
          );
        }
        // The extension's own text, including the stray '$' of its format string.
        throw new OrchestrationFault(
          `Received an unexpected action type from the out-of-proc function: '$${String(action.actionType)}'.`,
        );
    }
  }

  private requireName(action: OrchestratorAction, kind: 'activity' | 'orchestrator'): string {
    const name = this.requireString(action.functionName, 'functionName', action);
    const known = kind === 'activity' ? this.env.settings.activityNames : this.env.settings.orchestratorNames;
    if (!hasName(known, name)) {
      const message = unknownFunctionMessage(name, kind, known);
      this.env.warn(
        `Orchestration '${this.env.orchestrationName}' (${this.env.ctx.instanceId}) called an unknown ${kind}: ${message} ` +
          'On Azure the instance would hang in Running; devhost fails it instead.',
      );
      throw new OrchestrationFault(message);
    }
    return name;
  }

  private checkSubOrchestrationId(instanceId: string | undefined): void {
    if (instanceId === undefined || instanceId.trim() === '') return;
    const own = this.env.ctx.instanceId.toLowerCase();
    const parent = this.env.parentInstanceId?.toLowerCase();
    const candidate = instanceId.toLowerCase();
    if (candidate === own || candidate === parent) {
      throw new OrchestrationFault(
        'The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.',
      );
    }
    if (instanceId.startsWith('@'))
      throw new OrchestrationFault('Orchestration instance ids must not start with @');
  }

  private sendEntityRequest(action: OrchestratorAction, signal: boolean, dueMs?: number): string {
    const target = this.requireString(action.instanceId, 'instanceId', action);
    const operation = this.requireString(action.operation, 'operation', action);
    const entityName = entityNameFromSchedulerId(target);
    if (entityName === undefined) throw this.malformed(action, 'instanceId');
    if (!hasName(this.env.settings.entityNames, entityName)) {
      const message = unknownFunctionMessage(entityName, 'entity', this.env.settings.entityNames);
      this.env.warn(`Orchestration '${this.env.orchestrationName}' (${this.env.ctx.instanceId}): ${message}`);
      throw new OrchestrationFault(message);
    }
    const { ctx } = this.env;
    let requestId = '';
    const eventName = dueMs === undefined ? EventNames.request : scheduledRequestEventName(dueMs);
    ctx.sendEvent(target, eventName, (sequenceId) => {
      const request = entityRequestMessage({
        operation,
        input: action.input,
        signal,
        parentInstanceId: ctx.instanceId,
        parentExecutionId: ctx.executionId,
        sequenceId,
        ...(dueMs === undefined
          ? { label: { sorter: this.entityLabels, targetInstanceId: target, nowMs: ctx.nowMs } }
          : { dueMs }),
      });
      requestId = request.id;
      return request.json;
    });
    return requestId;
  }

  private requireRetry(action: OrchestratorAction): NonNullable<OrchestratorAction['retryOptions']> {
    const options = action.retryOptions;
    if (options === undefined || typeof options.firstRetryIntervalInMilliseconds !== 'number') {
      throw this.malformed(action, 'retryOptions');
    }
    // `AzureStorageDurabilityProvider.ValidateDelayTime`; on Azure this throws on an async path and the
    // instance hangs, devhost fails it (see docs/differences.md).
    const max = this.env.settings.maximumShortTimerMs;
    const intervals = [options.firstRetryIntervalInMilliseconds, options.maxRetryIntervalInMilliseconds ?? 0];
    if (intervals.some((ms) => ms > max)) {
      const message = `The Azure Storage provider supports a maximum of ${max / 86_400_000} days for time-based delays`;
      this.env.warn(
        `Orchestration '${this.env.orchestrationName}' (${this.env.ctx.instanceId}): ${message}. ` +
          'On Azure the instance would hang in Running; devhost fails it instead.',
      );
      throw new OrchestrationFault(message);
    }
    return options;
  }

  private requireTime(value: string | undefined): number {
    const ms = value === undefined ? Number.NaN : Date.parse(value);
    if (Number.isNaN(ms))
      throw new OrchestrationFault(`The action's fireAt '${String(value)}' is not a valid date.`);
    return ms;
  }

  private requireString(value: string | undefined, field: string, action: OrchestratorAction): string {
    if (typeof value !== 'string') throw this.malformed(action, field);
    return value;
  }

  private malformed(action: OrchestratorAction, field: string): OrchestrationFault {
    return new OrchestrationFault(
      `The orchestrator's reply has a ${ActionType[action.actionType] ?? String(action.actionType)} action ` +
        `without a valid '${field}'.`,
    );
  }
}
