import { randomUUID } from 'node:crypto';
import { type Container } from '@azure/cosmos';
import { isNotFound } from './errors';

interface PaymentTokenDoc {
  /** `<orderId>:<ref>`: a token is bound to one order and to the request that stored it. */
  id: string;
  orderId: string;
  token: string;
}

const tokenDocId = (orderId: string, ref: string) => `${orderId}:${ref}`;

/**
 * Payment tokens kept apart from orders and durable state: the starter writes, only
 * ProcessPayment reads. Each request stores its token under a fresh random reference and the
 * workflow input names only that reference, so the card charged is the card of the request that
 * started the workflow, however many requests for one order id race. The container's TTL removes
 * tokens after 30 days.
 */
export class PaymentTokenRepository {
  constructor(private readonly container: Container) {}

  /** Stores the token for this request; returns the reference to put into the workflow input. */
  async put(orderId: string, token: string): Promise<string> {
    const ref = randomUUID();
    await this.container.items.create<PaymentTokenDoc>({ id: tokenDocId(orderId, ref), orderId, token });
    return ref;
  }

  async get(orderId: string, ref: string): Promise<string | undefined> {
    const id = tokenDocId(orderId, ref);
    const { resource } = await this.container.item(id, id).read<PaymentTokenDoc>();
    return resource?.orderId === orderId ? resource.token : undefined;
  }

  /**
   * Deletes every token stored for the order but the one `keep` names: those of requests that
   * died before starting its workflow, which nothing will ever read. Returns how many went.
   */
  async deleteAllFor(orderId: string, keep?: string): Promise<number> {
    const { resources } = await this.container.items
      .query<Pick<PaymentTokenDoc, 'id'>>({
        query: 'SELECT c.id FROM c WHERE c.orderId = @o',
        parameters: [{ name: '@o', value: orderId }],
      })
      .fetchAll();
    const stale = resources.filter((r) => keep === undefined || r.id !== tokenDocId(orderId, keep));
    for (const { id } of stale) await this.deleteDoc(id);
    return stale.length;
  }

  /** For a request that did not start the workflow: its token must never be charged. */
  delete(orderId: string, ref: string): Promise<void> {
    return this.deleteDoc(tokenDocId(orderId, ref));
  }

  private async deleteDoc(id: string): Promise<void> {
    try {
      await this.container.item(id, id).delete();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
