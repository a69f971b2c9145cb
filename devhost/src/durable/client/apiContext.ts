/**
 * What the Durable HTTP API's handlers work with: a transport-neutral request (the same handlers
 * serve the loopback RPC listener and the public webhook mount) and the host's services.
 */
import type { Clock } from '../../clock/clock';
import type { DurableOperations } from './operations';
import type { QueryParams } from './query';

export interface ApiRequest {
  /** Upper-case verb. */
  method: string;
  /** The URL path below the API base, still percent-encoded. */
  path: string;
  query: QueryParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** The absolute URL the caller used (the `Location` of a 202 status poll). */
  url: string;
  /** Origin of the links in check-status responses. */
  linkOrigin: string;
}

export interface ApiContext {
  operations: DurableOperations;
  clock: Clock;
  taskHubName: string;
  /** The `durabletask_extension` system key put into handed-out links; absent when keys are not enforced. */
  systemKey?: string;
  log: (message: string) => void;
}
