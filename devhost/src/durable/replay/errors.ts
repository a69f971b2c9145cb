/**
 * Thrown while re-playing actions when the extension would throw synchronously (or where devhost
 * deliberately fails instead of hanging): the orchestration fails with this message.
 */
export class OrchestrationFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrchestrationFault';
  }
}
