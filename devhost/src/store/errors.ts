/** Errors every `TaskHubStore` implementation throws, each named for the situation it reports. */
import type { RuntimeStatus } from '../protocol/history';

/** The history changed since the work item was read (another worker checkpointed first). */
export class StoreConflictError extends Error {
  constructor(readonly instanceId: string) {
    super(
      `The history of instance '${instanceId}' changed since its work item was read; the checkpoint was not written.`,
    );
    this.name = 'StoreConflictError';
  }
}

/** The lease on a work item ran out and the item was leased again, or was already completed. */
export class LeaseLostError extends Error {
  constructor(what: string) {
    super(`The lease on ${what} was lost.`);
    this.name = 'LeaseLostError';
  }
}

/** `createInstance` refused to overwrite an instance in a dedupe state (DTF `OrchestrationAlreadyExistsException`). */
export class InstanceExistsError extends Error {
  constructor(
    readonly instanceId: string,
    readonly runtimeStatus: RuntimeStatus,
  ) {
    super(`An Orchestration instance with the status ${runtimeStatus} already exists.`);
    this.name = 'InstanceExistsError';
  }
}

/** A continuation token that this store did not issue. */
export class InvalidContinuationTokenError extends Error {
  constructor() {
    super('The continuation token is not valid for this store.');
    this.name = 'InvalidContinuationTokenError';
  }
}
