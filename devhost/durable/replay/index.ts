/** The replay core's public surface; see types.ts for the contract. */
export { buildOrchestrationTrigger, type OrchestrationTriggerPayload } from './trigger';
export { processEpisode } from './episode';
export { sdkReplyFromOutcome } from './sdkReply';
export { nextGenerationEvents } from './continueAsNew';
export { activityBindingText, activityInputValue } from './payloads';
export { formatTimeSpan } from './timeSpan';
export { HTTP_ACTIVITY_NAME } from './httpPolling';
export type * from './types';
export { formatHistoryEvents, type HistoryFormatOptions } from './historyFormat';
export { summarizeExecution, type ExecutionSummary } from './executionSummary';
export { formatStatusTime, parseStoredValue } from './statusValues';
