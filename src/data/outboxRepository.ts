import { type Container } from '@azure/cosmos';
import { createOnce } from './createOnce';

/** A notification waiting for a mail service; there is none, so the outbox is what users read. */
export interface OutboxMessage {
  /** Deterministic (`<kind>:<business id>`), so a repeated activity adds nothing. */
  id: string;
  kind:
    | 'OrderConfirmation'
    | 'ApprovalRequest'
    | 'ApprovalApproved'
    | 'ApprovalRejected'
    | 'ApprovalTimeout'
    | 'OperationFailed';
  to: string;
  subject: string;
  body: string;
  link?: string;
  createdAt: string;
}

export class OutboxRepository {
  constructor(private readonly container: Container) {}

  add(message: OutboxMessage): Promise<{ created: boolean; doc: OutboxMessage }> {
    return createOnce(this.container, message, message.id);
  }

  async get(id: string): Promise<OutboxMessage | undefined> {
    const { resource } = await this.container.item(id, id).read<OutboxMessage>();
    return resource;
  }

  async list(kind?: OutboxMessage['kind']): Promise<OutboxMessage[]> {
    const query = kind
      ? { query: 'SELECT * FROM c WHERE c.kind = @k', parameters: [{ name: '@k', value: kind }] }
      : { query: 'SELECT * FROM c' };
    const { resources } = await this.container.items.query<OutboxMessage>(query).fetchAll();
    return resources;
  }
}
