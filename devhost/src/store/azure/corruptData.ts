/** Stored data devhost cannot read: the instance it belongs to fails, every other one carries on. */
export class CorruptDataError extends Error {
  constructor(
    readonly instanceId: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'CorruptDataError';
  }
}
