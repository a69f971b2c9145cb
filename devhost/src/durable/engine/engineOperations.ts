/**
 * The Durable HTTP API's operations over the task hub store, with the extension's rules: which
 * states accept events, terminate, suspend, resume and rewind (404/410 as `notFound`/`gone`),
 * duplicate starts, instance id rules, and messages (never direct row edits) for everything that
 * changes an instance, so every change goes through an episode as on Azure.
 */
import {
  DurableOperationError,
  type DurableOperations,
  type EntityQuery,
  type EntityStateView,
  type InstanceQuery,
  type OperationResult,
  type OrchestrationStatusPayload,
  type Page,
  type StartRequest,
  type StatusOptions,
} from '../client/operations';
import {
  EventType,
  isTerminal,
  type ExecutionStartedEvent,
  type HistoryEvent,
  type RuntimeStatus,
} from '../../protocol/history';
import { InstanceExistsError } from '../../store/errors';
import type { InstanceFilter, StoredInstance, TaskHubStore, TaskMessage } from '../../store/taskHubStore';
import type { Clock } from '../../clock/clock';
import { REWIND_PREFIX } from '../scheduler/episodePlan';
import { durableFunctionNames, findDurableFunction, type DurableFunctionApp } from '../scheduler/functionApp';
import { unknownFunctionMessage } from '../replay/functionNames';
import type { OverridableStates } from '../scheduler/settings';
import * as entityClient from '../entities/entityClient';
import { instanceIdProblem, newGuidN } from '../../protocol/ids';
import { dedupeStatuses, isEntity, resumable, suspendable } from './operationStates';
import { statusPayload } from './statusPayload';

export type HistoryFormatter = (
  events: readonly HistoryEvent[],
  options: { showHistoryOutput: boolean; showInput: boolean },
) => unknown[];

export interface EngineOperationsOptions {
  store: TaskHubStore;
  clock: Clock;
  app: DurableFunctionApp;
  /** Status `historyEvents` as the extension rewrites them. */
  formatHistory: HistoryFormatter;
  /** host.json `overridableExistingInstanceStates` (default `NonRunningStates`). */
  overridableExistingInstanceStates?: OverridableStates;
}

export class EngineOperations implements DurableOperations {
  readonly taskHubName: string;
  private readonly store: TaskHubStore;
  private readonly clock: Clock;
  private readonly app: DurableFunctionApp;
  private readonly formatHistory: HistoryFormatter;
  private readonly dedupeStatuses: readonly RuntimeStatus[];

  constructor(options: EngineOperationsOptions) {
    this.store = options.store;
    this.taskHubName = options.store.taskHubName;
    this.clock = options.clock;
    this.app = options.app;
    this.formatHistory = options.formatHistory;
    this.dedupeStatuses = dedupeStatuses(options.overridableExistingInstanceStates ?? 'NonRunningStates');
  }

  async startNew(request: StartRequest): Promise<{ instanceId: string }> {
    const fn = findDurableFunction(this.app, 'orchestrationTrigger', request.orchestratorName);
    if (!fn) {
      // EXT `DurableTaskExtension.ThrowIfFunctionDoesNotExist`, as `StartNewAsync` calls it.
      throw new DurableOperationError(
        'unknownOrchestrator',
        unknownFunctionMessage(
          request.orchestratorName,
          'orchestrator',
          durableFunctionNames(this.app, 'orchestrationTrigger'),
        ),
      );
    }
    const instanceId = request.instanceId ?? newGuidN();
    const problem = instanceIdProblem(instanceId);
    if (problem) throw new DurableOperationError('invalidInstanceId', problem);
    await this.createInstance(instanceId, request.orchestratorName, request.input, request.version ?? null);
    return { instanceId };
  }

  async getStatus(
    instanceId: string,
    options: StatusOptions = {},
  ): Promise<OrchestrationStatusPayload | undefined> {
    // Entity instances (`@name@key`) are instances too: DTFAS 1.17.5 lists and returns their rows
    // (`ExcludeEntities` is false on the extension's Azure Storage path).
    const row = await this.store.getInstance(instanceId);
    if (!row) return undefined;
    const showInput = options.showInput ?? true;
    let historyEvents: unknown[] | undefined;
    if (options.showHistory && row.runtimeStatus !== 'Pending') {
      const events = (await this.getHistory(instanceId)) ?? [];
      historyEvents = this.formatHistory(events, {
        showHistoryOutput: options.showHistoryOutput ?? false,
        showInput,
      });
    }
    return statusPayload(row, { showInput }, historyEvents);
  }

  async listInstances(query: InstanceQuery): Promise<Page<OrchestrationStatusPayload>> {
    const page = await this.store.queryInstances(toFilter(query), query.top ?? 100, query.continuationToken);
    return {
      items: page.items.map((row) => statusPayload(row, { showInput: query.showInput ?? true })),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[] | undefined> {
    const [row, history] = await Promise.all([
      this.store.getInstance(instanceId),
      this.store.readHistory(instanceId),
    ]);
    if (!row) return undefined;
    return history && history.executionId === row.executionId ? history.events : [];
  }

  async raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<OperationResult> {
    return this.sendIfActive(instanceId, 'event', undefined, () => ({
      EventType: EventType.EventRaised,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.now(),
      Name: eventName,
      Input: input,
    }));
  }

  async terminate(instanceId: string, reason: string | null): Promise<OperationResult> {
    return this.sendIfActive(instanceId, 'control', undefined, () => ({
      EventType: EventType.ExecutionTerminated,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.now(),
      Input: reason,
    }));
  }

  async suspend(instanceId: string, reason: string | null): Promise<OperationResult> {
    // EXT 2.13.7 `DurableClient.SuspendAsync` / `IsOrchestrationSuspendable`.
    return this.sendIfActive(instanceId, 'control', suspendable, () => ({
      EventType: EventType.ExecutionSuspended,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.now(),
      Reason: reason,
    }));
  }

  async resume(instanceId: string, reason: string | null): Promise<OperationResult> {
    // EXT 2.13.7 `DurableClient.ResumeAsync`: only a Suspended instance resumes.
    return this.sendIfActive(instanceId, 'control', resumable, () => ({
      EventType: EventType.ExecutionResumed,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.now(),
      Reason: reason,
    }));
  }

  async rewind(instanceId: string, reason: string | null): Promise<OperationResult> {
    const row = await this.store.getInstance(instanceId);
    if (!row || isEntity(row)) return 'notFound';
    if (
      row.runtimeStatus === 'Completed' ||
      row.runtimeStatus === 'Terminated' ||
      row.runtimeStatus === 'Canceled'
    ) {
      return 'gone';
    }
    if (row.runtimeStatus !== 'Failed') {
      // EXT 2.13.7 `DurableClient.RewindAsync`.
      throw new DurableOperationError(
        'invalidState',
        'The rewind operation is only supported on failed orchestration instances.',
      );
    }
    await this.store.sendMessage({
      message: {
        event: {
          EventType: EventType.GenericEvent,
          EventId: -1,
          IsPlayed: false,
          Timestamp: this.now(),
          Data: `${REWIND_PREFIX}${reason ?? ''}`,
        },
        orchestrationInstance: { InstanceId: instanceId, ExecutionId: row.executionId },
      },
    });
    return 'accepted';
  }

  purge(instanceId: string): Promise<number> {
    return this.store.purgeInstance(instanceId);
  }

  purgeBy(query: Omit<InstanceQuery, 'top' | 'continuationToken' | 'showInput'>): Promise<number> {
    // DTFAS 1.17.5 `AzureTableTrackingStore.PurgeInstanceHistoryAsync(DateTime, DateTime?,
    // IEnumerable<OrchestrationStatus>)` keeps only the terminal statuses of the filter; with none
    // left there is no status condition, and everything created in the range goes (running
    // instances and entities too).
    const terminal = query.runtimeStatus?.filter(isTerminal);
    const { runtimeStatus: _asked, ...range } = query;
    return this.store.purgeInstances(
      toFilter(terminal?.length ? { ...range, runtimeStatus: terminal } : range),
    );
  }

  async restart(instanceId: string, newInstanceId: boolean): Promise<{ instanceId: string } | undefined> {
    const row = await this.store.getInstance(instanceId);
    if (!row) return undefined;
    // EXT `RestartAsync` is `StartNewAsync` with the stored name and input: a name that is not an
    // orchestrator (an entity's, or one the app no longer has) is refused as a start would be.
    return this.startNew({
      orchestratorName: row.name,
      input: row.input,
      ...(row.version !== null ? { version: row.version } : {}),
      ...(newInstanceId ? {} : { instanceId }),
    });
  }

  signalEntity(name: string, key: string, operation: string, input: string | null): Promise<void> {
    return entityClient.signalEntity(this.entityDeps(), name, key, operation, input);
  }

  readEntityState(name: string, key: string): Promise<{ exists: boolean; state: string | null }> {
    return entityClient.readEntityState(this.entityDeps(), name, key);
  }

  listEntities(query: EntityQuery): Promise<Page<EntityStateView>> {
    return entityClient.listEntities(this.entityDeps(), query);
  }

  private entityDeps(): entityClient.EntityClientDeps {
    return { store: this.store, clock: this.clock, app: this.app };
  }

  private async createInstance(
    instanceId: string,
    name: string,
    input: string | null,
    version: string | null,
  ): Promise<void> {
    const executionId = newGuidN();
    const started: ExecutionStartedEvent = {
      EventType: EventType.ExecutionStarted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.now(),
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      ParentInstance: null,
      Name: name,
      Version: version,
      Input: input,
      Tags: null,
      Correlation: null,
      ScheduledStartTime: null,
      Generation: 0,
    };
    try {
      await this.store.createInstance(
        { event: started, orchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId } },
        { dedupeStatuses: this.dedupeStatuses },
      );
    } catch (error) {
      if (error instanceof InstanceExistsError)
        throw new DurableOperationError('instanceExists', error.message);
      throw error;
    }
  }

  /**
   * Events go to any live instance; terminate/suspend/resume are refused for Failed ones too, and
   * `check` may refuse the rest by throwing. Entity instances are refused (see docs/differences.md).
   */
  private async sendIfActive(
    instanceId: string,
    kind: 'event' | 'control',
    check: ((row: StoredInstance) => void) | undefined,
    event: () => HistoryEvent,
  ): Promise<OperationResult> {
    const row = await this.store.getInstance(instanceId);
    if (!row || isEntity(row)) return 'notFound';
    if (isTerminal(row.runtimeStatus)) return 'gone';
    check?.(row);
    const message: TaskMessage = {
      event: event(),
      orchestrationInstance: {
        InstanceId: instanceId,
        ExecutionId: kind === 'event' ? null : row.executionId,
      },
    };
    await this.store.sendMessage({ message });
    return 'accepted';
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

function toFilter(query: Omit<InstanceQuery, 'top' | 'continuationToken' | 'showInput'>): InstanceFilter {
  return {
    ...(query.instanceIdPrefix !== undefined ? { instanceIdPrefix: query.instanceIdPrefix } : {}),
    ...(query.createdTimeFrom ? { createdTimeFrom: query.createdTimeFrom.getTime() } : {}),
    ...(query.createdTimeTo ? { createdTimeTo: query.createdTimeTo.getTime() } : {}),
    ...(query.runtimeStatus ? { runtimeStatus: query.runtimeStatus } : {}),
  };
}
