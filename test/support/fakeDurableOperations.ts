/**
 * Test double of `DurableOperations` for the Durable HTTP layer's own unit and integration tests —
 * the one place in the project where a fake is allowed, because the layer under test is only the
 * HTTP mapping (routes, status codes, bodies). It records every call and answers from state the
 * test scripts (`instances`, `entities`, `orchestrators`, `failNext`); it runs no orchestrations.
 * End-to-end tests use the real engine instead.
 */
import { isTerminal, type RuntimeStatus } from '../../devhost/src/protocol/history';
import type { HistoryEvent } from '../../devhost/src/protocol/history';
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
} from '../../devhost/src/durable/client/operations';

export interface RecordedCall {
  method: keyof DurableOperations;
  args: unknown[];
}

type OperationName = Exclude<keyof DurableOperations, 'taskHubName'>;

export class FakeDurableOperations implements DurableOperations {
  readonly calls: RecordedCall[] = [];
  readonly instances = new Map<string, OrchestrationStatusPayload>();
  /** Keyed by `name@key`; `name` lower-case. */
  readonly entities = new Map<string, EntityStateView>();
  readonly orchestrators = new Set<string>();
  /** Ids `startNew` hands out when the caller names none, in order. */
  readonly nextInstanceIds: string[] = [];
  private readonly failures = new Map<OperationName, Error>();
  private generated = 0;

  constructor(
    readonly taskHubName = 'TestHubName',
    private readonly now: () => string = () => '2024-01-01T00:00:00Z',
  ) {}

  /** The next call of `method` throws `error` (after being recorded). */
  failNext(method: OperationName, error: Error): void {
    this.failures.set(method, error);
  }

  callsOf(method: OperationName): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  addInstance(
    instanceId: string,
    runtimeStatus: RuntimeStatus,
    extra: Partial<OrchestrationStatusPayload> = {},
  ): void {
    this.instances.set(instanceId, {
      name: 'anOrchestrator',
      instanceId,
      runtimeStatus,
      input: null,
      customStatus: null,
      output: null,
      createdTime: this.now(),
      lastUpdatedTime: this.now(),
      ...extra,
    });
  }

  setStatus(instanceId: string, runtimeStatus: RuntimeStatus, output: unknown = null): void {
    const status = this.instances.get(instanceId);
    if (!status) throw new Error(`test bug: no instance ${instanceId}`);
    this.instances.set(instanceId, { ...status, runtimeStatus, output });
  }

  addEntity(name: string, key: string, state: unknown): void {
    this.entities.set(`${name}@${key}`, {
      name,
      key,
      lastOperationTime: '2024-01-01T00:00:00.0000000Z',
      state: JSON.stringify(state),
    });
  }

  private record(method: OperationName, args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  startNew(request: StartRequest): Promise<{ instanceId: string }> {
    return run(() => {
      this.record('startNew', [request]);
      if (!this.orchestrators.has(request.orchestratorName)) {
        throw new DurableOperationError(
          'unknownOrchestrator',
          `The function '${request.orchestratorName}' doesn't exist, is disabled, or is not an orchestrator function.`,
        );
      }
      const instanceId = request.instanceId ?? this.nextInstanceIds.shift() ?? `generated${++this.generated}`;
      if (instanceId.startsWith('@')) {
        throw new DurableOperationError(
          'invalidInstanceId',
          'Orchestration instance ids must not start with @.',
        );
      }
      const existing = this.instances.get(instanceId);
      if (existing && !isTerminal(existing.runtimeStatus)) {
        throw new DurableOperationError(
          'instanceExists',
          `An instance with ID '${instanceId}' already exists.`,
        );
      }
      this.addInstance(instanceId, 'Pending', {
        name: request.orchestratorName,
        input: request.input === null ? null : (JSON.parse(request.input) as unknown),
      });
      return { instanceId };
    });
  }

  getStatus(instanceId: string, options?: StatusOptions): Promise<OrchestrationStatusPayload | undefined> {
    return run(() => {
      this.record('getStatus', options === undefined ? [instanceId] : [instanceId, options]);
      const status = this.instances.get(instanceId);
      if (!status) return undefined;
      return {
        ...status,
        input: options?.showInput === false ? null : status.input,
        ...(options?.showHistory ? { historyEvents: [{ EventType: 'ExecutionStarted' }] } : {}),
      };
    });
  }

  listInstances(query: InstanceQuery): Promise<Page<OrchestrationStatusPayload>> {
    return run(() => {
      this.record('listInstances', [query]);
      const matching = [...this.instances.values()].filter((status) => matches(status, query));
      return page(matching, query.top, query.continuationToken);
    });
  }

  getHistory(instanceId: string): Promise<HistoryEvent[] | undefined> {
    return run(() => {
      this.record('getHistory', [instanceId]);
      return this.instances.has(instanceId) ? [] : undefined;
    });
  }

  raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<OperationResult> {
    return run(() => {
      this.record('raiseEvent', [instanceId, eventName, input]);
      return this.transition(instanceId, (status) => status);
    });
  }

  terminate(instanceId: string, reason: string | null): Promise<OperationResult> {
    return run(() => {
      this.record('terminate', [instanceId, reason]);
      return this.transition(instanceId, () => 'Terminated');
    });
  }

  suspend(instanceId: string, reason: string | null): Promise<OperationResult> {
    return run(() => {
      this.record('suspend', [instanceId, reason]);
      return this.transition(instanceId, (status) => {
        if (status === 'Suspended') throw stateRefusal('suspend', instanceId, status);
        return 'Suspended';
      });
    });
  }

  resume(instanceId: string, reason: string | null): Promise<OperationResult> {
    return run(() => {
      this.record('resume', [instanceId, reason]);
      return this.transition(instanceId, (status) => {
        if (status !== 'Suspended') throw stateRefusal('resume', instanceId, status);
        return 'Running';
      });
    });
  }

  rewind(instanceId: string, reason: string | null): Promise<OperationResult> {
    return run(() => {
      this.record('rewind', [instanceId, reason]);
      const status = this.instances.get(instanceId);
      if (!status) return 'notFound';
      if (status.runtimeStatus === 'Failed') {
        this.setStatus(instanceId, 'Running');
        return 'accepted';
      }
      if (isTerminal(status.runtimeStatus)) return 'gone';
      throw new DurableOperationError(
        'invalidState',
        'The rewind operation is only supported on failed orchestration instances.',
      );
    });
  }

  purge(instanceId: string): Promise<number> {
    return run(() => {
      this.record('purge', [instanceId]);
      return this.instances.delete(instanceId) ? 1 : 0;
    });
  }

  purgeBy(query: Omit<InstanceQuery, 'top' | 'continuationToken' | 'showInput'>): Promise<number> {
    return run(() => {
      this.record('purgeBy', [query]);
      // Only terminal statuses filter; none left means every status (as the engine does).
      const terminal = query.runtimeStatus?.filter(isTerminal);
      const filter = { ...query, runtimeStatus: terminal?.length ? terminal : undefined };
      const doomed = [...this.instances.values()].filter((status) => matches(status, filter));
      for (const status of doomed) this.instances.delete(status.instanceId);
      return doomed.length;
    });
  }

  restart(instanceId: string, newInstanceId: boolean): Promise<{ instanceId: string } | undefined> {
    return run(() => {
      this.record('restart', [instanceId, newInstanceId]);
      const status = this.instances.get(instanceId);
      if (!status) return undefined;
      const id = newInstanceId
        ? (this.nextInstanceIds.shift() ?? `generated${++this.generated}`)
        : instanceId;
      this.addInstance(id, 'Pending', { name: status.name, input: status.input });
      return { instanceId: id };
    });
  }

  signalEntity(name: string, key: string, operation: string, input: string | null): Promise<void> {
    return run(() => {
      this.record('signalEntity', [name, key, operation, input]);
    });
  }

  readEntityState(name: string, key: string): Promise<{ exists: boolean; state: string | null }> {
    return run(() => {
      this.record('readEntityState', [name, key]);
      const entity = this.entities.get(`${name}@${key}`);
      return entity ? { exists: true, state: entity.state } : { exists: false, state: null };
    });
  }

  listEntities(query: EntityQuery): Promise<Page<EntityStateView>> {
    return run(() => {
      this.record('listEntities', [query]);
      const matching = [...this.entities.values()].filter(
        (entity) => !query.name || entity.name === query.name,
      );
      return page(matching, query.top, query.continuationToken);
    });
  }

  private transition(instanceId: string, next: (status: RuntimeStatus) => RuntimeStatus): OperationResult {
    const status = this.instances.get(instanceId);
    if (!status) return 'notFound';
    if (isTerminal(status.runtimeStatus)) return 'gone';
    this.setStatus(instanceId, next(status.runtimeStatus), status.output);
    return 'accepted';
  }
}

function stateRefusal(action: string, instanceId: string, status: RuntimeStatus): DurableOperationError {
  return new DurableOperationError(
    'invalidState',
    `Cannot ${action} the orchestration instance ${instanceId} because instance is in the ${status} state.`,
  );
}

function run<T>(body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function matches(
  status: OrchestrationStatusPayload,
  query: Omit<InstanceQuery, 'top' | 'continuationToken'>,
): boolean {
  const created = Date.parse(status.createdTime);
  return (
    (!query.instanceIdPrefix || status.instanceId.startsWith(query.instanceIdPrefix)) &&
    (!query.runtimeStatus || query.runtimeStatus.includes(status.runtimeStatus)) &&
    (!query.createdTimeFrom || created >= query.createdTimeFrom.getTime()) &&
    (!query.createdTimeTo || created <= query.createdTimeTo.getTime())
  );
}

/** Pages by offset; the token is the offset of the next page. */
function page<T>(items: T[], top: number | undefined, token: string | undefined): Page<T> {
  const size = top ?? 100;
  const start = token ? Number(token) : 0;
  const next = start + size;
  return next < items.length
    ? { items: items.slice(start, next), continuationToken: String(next) }
    : { items: items.slice(start) };
}
