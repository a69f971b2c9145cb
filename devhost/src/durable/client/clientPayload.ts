/**
 * The `durableClient` input binding value (the extension's `BindingHelper`
 * `OrchestrationClientInputData`). The SDK's `DurableClient` sends every call to `rpcBaseUrl`;
 * the webhook templates serve `createCheckStatusResponse` and the SDK's legacy mode.
 *
 * The origin is always the host's own: the payload never reads `WEBSITE_HOSTNAME`, so two hosts in
 * one process each hand out their own URLs.
 */
import {
  creationUrls,
  managementUrls,
  requiredQueryString,
  webhookBaseUrl,
  INSTANCE_ID_PLACEHOLDER,
  type HttpCreationPayload,
  type HttpManagementPayload,
  type WebhookLinkOptions,
} from './webhookLinks';

/** Field order and nulls as the extension's Newtonsoft serialisation produces them. */
export interface DurableClientPayload {
  taskHubName: string;
  connectionName: string | null;
  creationUrls: HttpCreationPayload;
  managementUrls: HttpManagementPayload;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
  httpBaseUrl: string | null;
}

export interface DurableClientPayloadOptions extends WebhookLinkOptions {
  /** The loopback RPC endpoint, e.g. `http://127.0.0.1:17071/durabletask/`. */
  rpcBaseUrl: string;
}

export function buildDurableClientPayload(options: DurableClientPayloadOptions): DurableClientPayload {
  return {
    taskHubName: options.taskHubName,
    // The JS SDK never sends a `durableClient` connection, so the attribute's is always null.
    connectionName: null,
    creationUrls: creationUrls(options),
    managementUrls: managementUrls(options, INSTANCE_ID_PLACEHOLDER),
    baseUrl: webhookBaseUrl(options.origin),
    requiredQueryStringParameters: requiredQueryString(options.systemKey),
    // The SDK resolves relative paths against it: without the trailing slash `durabletask` is lost.
    rpcBaseUrl: options.rpcBaseUrl.endsWith('/') ? options.rpcBaseUrl : `${options.rpcBaseUrl}/`,
    httpBaseUrl: null,
  };
}
