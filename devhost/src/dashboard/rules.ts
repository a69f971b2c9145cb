/**
 * Which instance actions the Durable HTTP API accepts in which runtime status, with the reason it
 * refuses the others: the dashboard disables a button with that reason rather than send a request
 * the API would refuse. The rules are the engine's (devhost/src/durable/engine/engineOperations.ts),
 * and test/integration/dashboard checks them against the API.
 */
export type RuntimeStatus =
  'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Pending' | 'Suspended';

export type InstanceAction =
  'raiseEvent' | 'terminate' | 'suspend' | 'resume' | 'rewind' | 'restart' | 'purge';

export const RUNTIME_STATUSES: readonly RuntimeStatus[] = [
  'Pending',
  'Running',
  'Suspended',
  'ContinuedAsNew',
  'Completed',
  'Failed',
  'Terminated',
  'Canceled',
];

const FINISHED: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Canceled', 'Terminated'];

export function isFinished(status: RuntimeStatus): boolean {
  return FINISHED.includes(status);
}

/** `undefined` when the API accepts the action in this status, else why not. */
export function refusal(action: InstanceAction, status: RuntimeStatus): string | undefined {
  switch (action) {
    case 'raiseEvent':
    case 'terminate':
      return isFinished(status) ? `A ${status} instance has finished: the API answers 410 Gone.` : undefined;
    case 'suspend':
      // As the extension's DurableClient.SuspendAsync: only a Running or Pending instance.
      if (isFinished(status)) return `A ${status} instance has finished: the API answers 410 Gone.`;
      return status === 'Suspended' ? 'The instance is already suspended.' : undefined;
    case 'resume':
      // As the extension's DurableClient.ResumeAsync: only a Suspended instance.
      if (isFinished(status)) return `A ${status} instance has finished: the API answers 410 Gone.`;
      return status === 'Suspended' ? undefined : `A ${status} instance is not suspended.`;
    case 'rewind':
      if (status === 'Failed') return undefined;
      return isFinished(status)
        ? `A ${status} instance cannot be rewound: the API answers 410 Gone.`
        : 'Rewind is only supported on failed orchestration instances.';
    case 'restart':
      // Restarting under the same id is a new start, which the API refuses while the id is live.
      return isFinished(status)
        ? undefined
        : `A ${status} instance is still live: it can restart once it has finished.`;
    case 'purge':
      return undefined;
  }
}
