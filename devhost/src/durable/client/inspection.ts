/**
 * What the dashboard asks of the durable engine beyond the Durable HTTP API: which instances wait
 * for an external event (derived by replaying their history through the orchestrator, since the
 * SDK's waits leave no history event), and firing a pending durable timer early (local only).
 */
import type { RuntimeStatus } from '../../protocol/history';

export interface WaitingInstance {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  /** Events the orchestrator waits for, each with the time of the episode that began the wait (ISO). */
  events: { name: string; since: string }[];
  /** Timers created and not yet fired (what a wait races, such as an approval deadline). */
  timers: { timerId: number; fireAt: string }[];
}

export type FireTimerResult =
  | { kind: 'fired'; fireAt: string; firedAt: string }
  | { kind: 'notFound' }
  | { kind: 'gone'; runtimeStatus: RuntimeStatus }
  | { kind: 'notPending'; reason: string };

export interface InstanceInspection {
  /** Every Running or Suspended orchestration blocked on `waitForExternalEvent`. */
  waitingInstances(): Promise<WaitingInstance[]>;
  /**
   * Delivers the timer's `TimerFired` now. The history records it: the `TimerFired` event's
   * `FireAt` is when it fired, earlier than its `TimerCreated` event's `FireAt`.
   */
  fireTimerNow(instanceId: string, timerId: number): Promise<FireTimerResult>;
  /** Registered names, for the dashboard's filters and entity list. */
  functionNames(): { orchestrators: string[]; entities: string[] };
}
