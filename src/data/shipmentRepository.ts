import { type Container } from '@azure/cosmos';
import { createOnce } from './createOnce';
import { compareAndSwap, DEFAULT_ETAG_POLICY, type EtagRetryPolicy } from './etagRetry';

export interface ShipmentDoc {
  id: string;
  orderId: string;
  status: 'Created' | 'Cancelled';
  trackingNumber: string;
  country: string;
  createdAt: string;
  cancelledAt?: string;
}

export const shipmentDocId = (orderId: string) => `shipment:${orderId}`;

export class ShipmentRepository {
  constructor(
    private readonly container: Container,
    private readonly policy: EtagRetryPolicy = DEFAULT_ETAG_POLICY,
  ) {}

  create(doc: ShipmentDoc): Promise<{ created: boolean; doc: ShipmentDoc }> {
    return createOnce(this.container, doc, doc.orderId);
  }

  async get(orderId: string): Promise<ShipmentDoc | undefined> {
    const { resource } = await this.container.item(shipmentDocId(orderId), orderId).read<ShipmentDoc>();
    return resource;
  }

  /** Idempotent: reports the end state, so a repeated cancel answers like the first. */
  cancel(orderId: string, at: string): Promise<'Cancelled' | 'NoShipment'> {
    return compareAndSwap<ShipmentDoc, 'Cancelled' | 'NoShipment'>(
      this.container,
      shipmentDocId(orderId),
      orderId,
      (doc) => {
        if (!doc) return { result: 'NoShipment' };
        if (doc.status === 'Cancelled') return { result: 'Cancelled' };
        return { write: { ...doc, status: 'Cancelled', cancelledAt: at }, result: 'Cancelled' };
      },
      this.policy,
    );
  }
}
