/** The replay core's public surface; see types.ts for the contract and docs/architecture.md for the flow. */
export type * from './types';

// One episode: the trigger payload in, the SDK's reply out, the result to persist and send.
export {
  buildOrchestrationTrigger,
  triggerParts,
  type OrchestrationTriggerPayload,
  type TriggerFields,
  type TriggerParts,
} from './trigger';
export { processEpisode } from './episode';
export { KeptReplays } from './keptReplays';
export { sdkReplyFromOutcome } from './sdkReply';

// What the engine builds from a result.
export { nextGenerationEvents } from './continueAsNew';
export { subOrchestrationStarted } from './subOrchestrationStart';
export { activityBindingText, activityInputValue } from './payloads';
export { HTTP_ACTIVITY_NAME } from './httpPolling';
export { entityRequestMessage, entityResponseMessage } from './entityMessages';

// The status API.
export { formatHistoryEvents, type HistoryFormatOptions } from './historyFormat';
export { summarizeExecution, type ExecutionSummary } from './executionSummary';
export { formatStatusTime, parseStoredValue } from './statusValues';
