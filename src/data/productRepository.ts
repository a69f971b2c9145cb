import { type Container } from '@azure/cosmos';
import { compareAndSwap, DEFAULT_ETAG_POLICY, type EtagRetryPolicy } from './etagRetry';

/** A product and its stock; reservations live inside so one ETag guards both. */
export interface ProductDoc {
  id: string;
  name: string;
  unitPrice: number;
  currency: string;
  /** Units on hand, reserved or not. */
  stock: number;
  /** Order id → reserved quantity. */
  reservations: Record<string, number>;
}

export function reservedQuantity(doc: ProductDoc): number {
  return Object.values(doc.reservations).reduce((sum, q) => sum + q, 0);
}

export function availableQuantity(doc: ProductDoc): number {
  return doc.stock - reservedQuantity(doc);
}

export type ReserveOutcome =
  | { outcome: 'Reserved' | 'AlreadyReserved'; productId: string; quantity: number }
  | { outcome: 'Insufficient'; productId: string; requested: number; available: number }
  | { outcome: 'UnknownProduct'; productId: string };

export class ProductRepository {
  constructor(
    private readonly container: Container,
    private readonly policy: EtagRetryPolicy = DEFAULT_ETAG_POLICY,
  ) {}

  async get(productId: string): Promise<ProductDoc | undefined> {
    const { resource } = await this.container.item(productId, productId).read<ProductDoc>();
    return resource;
  }

  async getMany(productIds: readonly string[]): Promise<Map<string, ProductDoc>> {
    const found = await Promise.all(productIds.map((id) => this.get(id)));
    return new Map(found.filter((p): p is ProductDoc => p !== undefined).map((p) => [p.id, p]));
  }

  /** Creates the product unless it exists; never touches an existing one's stock. */
  async createIfMissing(product: Omit<ProductDoc, 'reservations'>): Promise<boolean> {
    try {
      await this.container.items.create<ProductDoc>({ ...product, reservations: {} });
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 409) return false;
      throw err;
    }
  }

  /** Idempotent by order id: a second call for the same order changes nothing. */
  reserve(productId: string, orderId: string, quantity: number): Promise<ReserveOutcome> {
    return compareAndSwap<ProductDoc, ReserveOutcome>(
      this.container,
      productId,
      productId,
      (doc) => {
        if (!doc) return { result: { outcome: 'UnknownProduct', productId } };
        if (Object.hasOwn(doc.reservations, orderId)) {
          return {
            result: { outcome: 'AlreadyReserved', productId, quantity: doc.reservations[orderId] ?? 0 },
          };
        }
        const available = availableQuantity(doc);
        if (available < quantity) {
          return { result: { outcome: 'Insufficient', productId, requested: quantity, available } };
        }
        return {
          write: { ...doc, reservations: { ...doc.reservations, [orderId]: quantity } },
          result: { outcome: 'Reserved', productId, quantity },
        };
      },
      this.policy,
    );
  }

  /** Idempotent: releasing what is not reserved is a no-op that reports `false`. */
  release(productId: string, orderId: string): Promise<boolean> {
    return compareAndSwap<ProductDoc, boolean>(
      this.container,
      productId,
      productId,
      (doc) => {
        if (!doc || !Object.hasOwn(doc.reservations, orderId)) return { result: false };
        const reservations = Object.fromEntries(
          Object.entries(doc.reservations).filter(([key]) => key !== orderId),
        );
        return { write: { ...doc, reservations }, result: true };
      },
      this.policy,
    );
  }
}
