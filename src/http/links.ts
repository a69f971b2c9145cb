import { getConfig, publicBaseUrl } from '../config';

/**
 * What a client gets to follow a workflow: the app's own status resource and, where there is one,
 * the business resource. Both are function-level routes of this app, so they carry no key; the
 * Durable management URLs (which carry the system key) are served only by the admin-level
 * GetManagementLinks.
 */
export interface ClientLinks {
  /** The instance id. */
  id: string;
  /** `GET` it for the workflow's status (the name Durable clients poll). */
  statusQueryGetUri: string;
  /** The order, batch or approval the workflow works on. */
  resourceUri?: string;
}

/** Paths are built from validated ids only; each segment is encoded all the same. */
export function clientLinks(instanceId: string, resourcePath?: string): ClientLinks {
  const base = publicBaseUrl(getConfig());
  return {
    id: instanceId,
    statusQueryGetUri: `${base}/api/status/${encodeURIComponent(instanceId)}`,
    ...(resourcePath !== undefined ? { resourceUri: `${base}${resourcePath}` } : {}),
  };
}

export const orderPath = (orderId: string) => `/api/orders/${encodeURIComponent(orderId)}`;
export const batchPath = (batchId: string) => `/api/batches/${encodeURIComponent(batchId)}`;
export const approvalPath = (requestId: string) => `/api/approvals/${encodeURIComponent(requestId)}`;
