/**
 * The management operations behind the Durable HTTP API (the loopback RPC endpoint the SDK's
 * DurableClient calls, and the public `/runtime/webhooks/durabletask` API). The HTTP layer maps
 * requests and results to the extension's status codes and bodies; the engine implements this.
 */
import type { HistoryEvent, RuntimeStatus } from '../../protocol/history';

/** Status payload as the extension's `StatusResponsePayload` (docs/protocol.md §6). */
export interface OrchestrationStatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  /** UTC, second precision: `yyyy-MM-ddTHH:mm:ssZ`. */
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: unknown[];
}

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  /** Default true, as in the extension. */
  showInput?: boolean;
}

export interface InstanceQuery {
  instanceIdPrefix?: string;
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  runtimeStatus?: RuntimeStatus[];
  showInput?: boolean;
  /** Page size (default 100). */
  top?: number;
  continuationToken?: string;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  continuationToken?: string;
}

export interface StartRequest {
  orchestratorName: string;
  /** Absent: a new id (GUID without dashes, as the extension makes). */
  instanceId?: string;
  /** JSON text of the input, or null for none. */
  input: string | null;
  version?: string;
}

/** Why an instance operation did nothing (maps to 404 / 410 / 400 / 500 in the HTTP layer). */
export type OperationResult = 'accepted' | 'notFound' | 'gone';

export interface EntityStateView {
  name: string;
  key: string;
  lastOperationTime: string;
  /** JSON text of the state. */
  state: string | null;
}

export interface EntityQuery {
  name?: string;
  fetchState?: boolean;
  top?: number;
  lastOperationTimeFrom?: Date;
  lastOperationTimeTo?: Date;
  continuationToken?: string;
}

export interface DurableOperations {
  /** The task hub these operations act on. */
  readonly taskHubName: string;
  /**
   * Creates the instance (visible as Pending at once) and enqueues its start. Throws
   * `DurableOperationError` with code `unknownOrchestrator`, `invalidInstanceId` or
   * `instanceExists` (an instance with that id is Running/Pending/Suspended).
   */
  startNew(request: StartRequest): Promise<{ instanceId: string }>;
  getStatus(instanceId: string, options?: StatusOptions): Promise<OrchestrationStatusPayload | undefined>;
  listInstances(query: InstanceQuery): Promise<Page<OrchestrationStatusPayload>>;
  /** History of the current execution, for tests and the dashboard. */
  getHistory(instanceId: string): Promise<HistoryEvent[] | undefined>;
  raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<OperationResult>;
  terminate(instanceId: string, reason: string | null): Promise<OperationResult>;
  /** `gone` when finished; throws `DurableOperationError('invalidState')` unless Running, Pending or ContinuedAsNew. */
  suspend(instanceId: string, reason: string | null): Promise<OperationResult>;
  /** `gone` when finished; throws `DurableOperationError('invalidState')` unless Suspended. */
  resume(instanceId: string, reason: string | null): Promise<OperationResult>;
  /** `gone` for Completed/Terminated/Canceled; throws `DurableOperationError('invalidState')` unless Failed. */
  rewind(instanceId: string, reason: string | null): Promise<OperationResult>;
  /** Returns the number of instances deleted. */
  purge(instanceId: string): Promise<number>;
  /**
   * Purges what was created in the range. Only terminal statuses of `runtimeStatus` count; with none
   * (or none given) every status goes, entities included (DTFAS's rule).
   */
  purgeBy(query: Omit<InstanceQuery, 'top' | 'continuationToken' | 'showInput'>): Promise<number>;
  /** Re-runs with the original name and input; `undefined` if the instance is unknown. */
  restart(instanceId: string, newInstanceId: boolean): Promise<{ instanceId: string } | undefined>;
  signalEntity(name: string, key: string, operation: string, input: string | null): Promise<void>;
  readEntityState(name: string, key: string): Promise<{ exists: boolean; state: string | null }>;
  listEntities(query: EntityQuery): Promise<Page<EntityStateView>>;
}

export type DurableOperationErrorCode =
  | 'unknownOrchestrator'
  | 'invalidInstanceId'
  | 'instanceExists'
  /** The instance's state does not allow the operation (the extension's `InvalidOperationException`). */
  | 'invalidState'
  | 'invalidEntityId';

export class DurableOperationError extends Error {
  constructor(
    readonly code: DurableOperationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DurableOperationError';
  }
}
