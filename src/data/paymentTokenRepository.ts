import { type Container } from '@azure/cosmos';

interface PaymentTokenDoc {
  id: string;
  token: string;
}

/**
 * Payment tokens kept apart from orders and durable state: the starter writes, only
 * ProcessPayment reads. The container's TTL removes them after 30 days.
 */
export class PaymentTokenRepository {
  constructor(private readonly container: Container) {}

  async put(orderId: string, token: string): Promise<void> {
    await this.container.items.upsert<PaymentTokenDoc>({ id: orderId, token });
  }

  async get(orderId: string): Promise<string | undefined> {
    const { resource } = await this.container.item(orderId, orderId).read<PaymentTokenDoc>();
    return resource?.token;
  }
}
