/**
 * An action DTF's context holds between the scheduling call and the end of the episode
 * (`orchestratorActionsMap`): matched against history on replay, otherwise new work.
 */
import type { DurableHttpRequestJson } from '../../protocol/actions';

export type ScheduledAction =
  /** `input` is DTF's serialized parameter array (see activityInput.ts). */
  | { kind: 'task'; id: number; name: string; input: string | null; httpRequest?: DurableHttpRequestJson }
  | { kind: 'timer'; id: number; fireAt: string }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId: string; input: string | null }
  | { kind: 'event'; id: number; targetInstanceId: string; name: string; input: string | null };
