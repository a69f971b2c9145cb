/**
 * The orchestrator's reply (`OrchestratorState`) as durable-functions v3 produces it with replay
 * schema V3 (docs/protocol.md §3).
 */

export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  ScheduledSignalEntity = 10,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface RetryOptionsJson {
  readonly firstRetryIntervalInMilliseconds: number;
  readonly maxNumberOfAttempts: number;
  readonly backoffCoefficient?: number;
  readonly maxRetryIntervalInMilliseconds?: number;
  readonly retryTimeoutInMilliseconds?: number;
}

export interface DurableHttpRequestJson {
  readonly method: string;
  readonly uri: string;
  readonly content?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tokenSource?: unknown;
  readonly asynchronousPatternEnabled?: boolean;
}

/** One recorded action. Fields are present per `actionType` as in the SDK's `actions/*.js`. */
export interface OrchestratorAction {
  readonly actionType: ActionType;
  readonly functionName?: string;
  readonly input?: unknown;
  readonly retryOptions?: RetryOptionsJson;
  readonly instanceId?: string;
  readonly version?: string;
  readonly fireAt?: string;
  readonly isCanceled?: boolean;
  readonly externalEventName?: string;
  readonly reason?: string;
  readonly operation?: string;
  readonly httpRequest?: DurableHttpRequestJson;
  readonly compoundActions?: readonly OrchestratorAction[];
  readonly lockSet?: readonly { readonly name: string; readonly key: string }[];
  readonly lockRequestId?: string;
}

export interface OrchestratorState {
  isDone: boolean;
  /** Parsed actions may be shared between episodes (`scheduler/replyText.ts`): never changed. */
  actions: (readonly OrchestratorAction[])[];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion: number;
  failureDetails?: unknown;
}

/** Marker the SDK puts before the JSON state in a thrown orchestrator error (docs/protocol.md §4). */
export const OUT_OF_PROC_DATA_MARKER = '$OutOfProcData$:';
