import { type Container } from '@azure/cosmos';
import { type Order } from '../domain';
import { createOnce } from './createOnce';

export interface OrderDoc extends Order {
  instanceId: string;
  totalCents: number;
  createdAt: string;
}

export class OrderRepository {
  constructor(private readonly container: Container) {}

  /** `created: false` means the order id was taken: the caller reports the existing run. */
  create(doc: OrderDoc): Promise<{ created: boolean; doc: OrderDoc }> {
    return createOnce(this.container, doc, doc.id);
  }

  async get(orderId: string): Promise<OrderDoc | undefined> {
    const { resource } = await this.container.item(orderId, orderId).read<OrderDoc>();
    return resource ? stripSystemFields(resource) : undefined;
  }
}

/** Cosmos adds `_rid`, `_etag`…; the business view shows only what the app wrote. */
export function stripSystemFields<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_'))) as T;
}
