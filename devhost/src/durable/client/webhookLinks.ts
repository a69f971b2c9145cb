/**
 * The URLs of the public Durable webhook API that devhost hands out: the templates in the
 * `durableClient` binding payload and the links of check-status responses. Shapes follow the
 * extension's `HttpApiHandler` (`GetInstanceCreationLinks`, `GetClientResponseLinks`), so the SDK's
 * placeholder replacement (`INSTANCEID`, `{eventName}`, `{text}`…) works on them unchanged.
 */

export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';
/** The Azure Storage provider's default connection name, echoed in every management URL. */
const DEFAULT_CONNECTION_NAME = 'Storage';

export interface WebhookLinkOptions {
  /** The host's own public origin, e.g. `http://localhost:7071` (no trailing slash). */
  origin: string;
  taskHubName: string;
  connectionName?: string;
  /** The `durabletask_extension` system key; absent when keys are not enforced. */
  systemKey?: string;
}

export interface HttpCreationPayload {
  createNewInstancePostUri: string;
  createAndWaitOnNewInstancePostUri: string;
}

/** Field order is the extension's `HttpManagementPayload`. */
export interface HttpManagementPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export function webhookBaseUrl(origin: string): string {
  return origin.replace(/\/+$/, '') + WEBHOOK_PATH;
}

/** The webhook URI's own query (`code=<system key>`), without `?`; `""` when there is no key. */
export function requiredQueryString(systemKey: string | undefined): string {
  return systemKey ? `code=${encodeURIComponent(systemKey)}` : '';
}

export function creationUrls(options: WebhookLinkOptions): HttpCreationPayload {
  const prefix = `${webhookBaseUrl(options.origin)}/orchestrators/{functionName}[/{instanceId}]`;
  const query = requiredQueryString(options.systemKey);
  // The extension appends its query suffix even when it is empty (a bare trailing `?` or `&`).
  return {
    createNewInstancePostUri: `${prefix}?${query}`,
    createAndWaitOnNewInstancePostUri: `${prefix}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
  };
}

/**
 * Management links for one instance. With `instanceId` = `INSTANCEID` these are the binding
 * payload's templates; with a real id, the links of a check-status response.
 */
export function managementUrls(options: WebhookLinkOptions, instanceId: string): HttpManagementPayload {
  const instance = `${webhookBaseUrl(options.origin)}/instances/${
    instanceId === INSTANCE_ID_PLACEHOLDER ? instanceId : encodeURIComponent(instanceId)
  }`;
  const code = requiredQueryString(options.systemKey);
  const query =
    `taskHub=${encodeURIComponent(options.taskHubName)}` +
    `&connection=${encodeURIComponent(options.connectionName ?? DEFAULT_CONNECTION_NAME)}` +
    (code ? `&${code}` : '');
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}
