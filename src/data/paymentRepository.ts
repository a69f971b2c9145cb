import { type Container } from '@azure/cosmos';
import { createOnce } from './createOnce';

export interface PaymentDoc {
  id: string;
  orderId: string;
  kind: 'charge' | 'refund';
  status: 'succeeded' | 'declined';
  gatewayId: string;
  amountCents: number;
  currency: string;
  declineCode?: string;
  createdAt: string;
}

export const chargeDocId = (orderId: string) => `charge:${orderId}`;
export const refundDocId = (orderId: string) => `refund:${orderId}`;

/** The app's own record of what it asked the gateway for, one document per order and kind. */
export class PaymentRepository {
  constructor(private readonly container: Container) {}

  record(doc: PaymentDoc): Promise<{ created: boolean; doc: PaymentDoc }> {
    return createOnce(this.container, doc, doc.orderId);
  }

  async get(orderId: string, kind: PaymentDoc['kind']): Promise<PaymentDoc | undefined> {
    const id = kind === 'charge' ? chargeDocId(orderId) : refundDocId(orderId);
    const { resource } = await this.container.item(id, orderId).read<PaymentDoc>();
    return resource;
  }

  async listForOrder(orderId: string): Promise<PaymentDoc[]> {
    const { resources } = await this.container.items
      .query<PaymentDoc>({
        query: 'SELECT * FROM c WHERE c.orderId = @o',
        parameters: [{ name: '@o', value: orderId }],
      })
      .fetchAll();
    return resources;
  }
}
