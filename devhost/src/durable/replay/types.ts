/**
 * The replay core's contract: pure functions from (persisted history, newly delivered events, the
 * SDK's reply) to (history to append, work to send, the instance's status). No I/O, no clock reads:
 * `now` is passed in.
 */
import type { DurableHttpRequestJson, OrchestratorState } from '../../protocol/actions';
import type { EventRaisedEvent, HistoryEvent, RuntimeStatus } from '../../protocol/history';
import type { NonDeterminismDetail } from './nonDeterminism';

export interface OrchestrationSettings {
  /** `maximumShortTimerDuration` (Azure Storage: 6 days). */
  maximumShortTimerMs: number;
  /** `longRunningTimerIntervalDuration` (Azure Storage: 3 days). */
  longRunningTimerIntervalMs: number;
  /** `defaultHttpAsyncRequestSleepTimeMillseconds` (30 000). */
  defaultHttpAsyncRequestSleepMs: number;
  /** Names the app registered, compared case-insensitively as the extension does. */
  activityNames: ReadonlySet<string>;
  orchestratorNames: ReadonlySet<string>;
  entityNames: ReadonlySet<string>;
}

export interface EpisodeInput {
  instanceId: string;
  executionId: string;
  /** Events of the current execution already checkpointed, in order. */
  history: readonly HistoryEvent[];
  /** Events delivered by the messages of this episode, in dequeue order (no OrchestratorStarted). */
  newEvents: readonly HistoryEvent[];
  /** The episode's clock reading (ISO-8601); becomes the OrchestratorStarted timestamp. */
  now: string;
  settings: OrchestrationSettings;
}

/** What the SDK returned, or what it threw (the `$OutOfProcData$` form or any other error). */
export type SdkReply = { kind: 'state'; state: OrchestratorState } | { kind: 'thrown'; message: string };

/** Work the host sends after the checkpoint. Ids are the DTF sequence ids from history. */
export type OutboundWork =
  | { kind: 'activity'; taskScheduledId: number; name: string; input: string | null }
  | { kind: 'httpActivity'; taskScheduledId: number; request: DurableHttpRequestJson }
  | { kind: 'timer'; timerId: number; fireAt: string }
  | {
      kind: 'subOrchestration';
      taskScheduledId: number;
      name: string;
      instanceId: string;
      input: string | null;
    }
  /** `EventSent`: an entity request/signal or an event for another instance. */
  | { kind: 'event'; targetInstanceId: string; name: string; input: string | null };

export interface EpisodeResult {
  /** Everything to append to `history`: OrchestratorStarted, the new events, scheduling events,
   * ExecutionCompleted/ContinueAsNew when finished, OrchestratorCompleted. */
  appended: HistoryEvent[];
  work: OutboundWork[];
  runtimeStatus: RuntimeStatus;
  /** Instances-table `Output`: JSON text of the result, or the raw failure reason. */
  output: string | null;
  /** JSON text, or null when the SDK sent none. */
  customStatus: string | null;
  /** Set when the execution ends with continue-as-new: the next generation's input and carried events. */
  continueAsNew?: { input: string | null; carryOver: EventRaisedEvent[] };
  /** A human-readable reason when the instance failed (non-determinism, bad reply, user error). */
  failureReason?: string;
  /** Set when the replay did not match the history: the sequence id, what was recorded, what was produced. */
  nonDeterminism?: NonDeterminismDetail;
  /**
   * While the execution runs: the external events it waits for (`waitForExternalEvent`, not
   * entity responses), each with the ISO time of the episode that began the wait.
   */
  waitingForEvents?: { name: string; since: string }[];
  /** Loud warnings for the log (e.g. an unknown activity name). */
  warnings: string[];
  /**
   * Set when a sub-orchestration ends (Completed, Failed or Terminated): the event to deliver to the
   * parent's execution, as DTF's `ProcessWorkflowCompletedTaskDecision` sends it.
   */
  parentNotification?: { instanceId: string; executionId: string; event: HistoryEvent };
}
