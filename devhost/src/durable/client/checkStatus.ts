/**
 * The server-side check-status response of start and restart (`CreateCheckStatusResponseMessage`):
 * 202, the instance's management links (no `rewindPostUri`), `Location` = the status link and
 * `Retry-After: 10`.
 */
import { jsonResponse, type ApiResponse } from './responses';
import { managementUrls, type WebhookLinkOptions } from './webhookLinks';

export interface CheckStatusPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export function checkStatusPayload(options: WebhookLinkOptions, instanceId: string): CheckStatusPayload {
  const links = managementUrls(options, instanceId);
  return {
    id: instanceId,
    statusQueryGetUri: links.statusQueryGetUri,
    sendEventPostUri: links.sendEventPostUri,
    terminatePostUri: links.terminatePostUri,
    purgeHistoryDeleteUri: links.purgeHistoryDeleteUri,
    restartPostUri: links.restartPostUri,
    suspendPostUri: links.suspendPostUri,
    resumePostUri: links.resumePostUri,
  };
}

export function checkStatusResponse(options: WebhookLinkOptions, instanceId: string): ApiResponse {
  const payload = checkStatusPayload(options, instanceId);
  return jsonResponse(202, payload, { Location: payload.statusQueryGetUri, 'Retry-After': '10' });
}
