import { getConfig } from '../config';
import { SimulatedPaymentGateway } from '../payments/paymentGateway';
import { ApprovalRepository } from './approvalRepository';
import { BatchRepository } from './batchRepository';
import { type Containers, getContainers } from './dataStore';
import { DEFAULT_ETAG_POLICY, type EtagRetryPolicy } from './etagRetry';
import { OrderRepository } from './orderRepository';
import { OutboxRepository } from './outboxRepository';
import { PaymentRepository } from './paymentRepository';
import { PaymentTokenRepository } from './paymentTokenRepository';
import { ProductRepository } from './productRepository';
import { ShipmentRepository } from './shipmentRepository';

export interface Repositories {
  products: ProductRepository;
  orders: OrderRepository;
  paymentTokens: PaymentTokenRepository;
  payments: PaymentRepository;
  shipments: ShipmentRepository;
  approvals: ApprovalRepository;
  outbox: OutboxRepository;
  batches: BatchRepository;
  gateway: SimulatedPaymentGateway;
}

export function repositoriesFor(
  containers: Containers,
  options: { etagPolicy?: EtagRetryPolicy; gatewayLatencyMs?: number } = {},
): Repositories {
  const policy = options.etagPolicy ?? DEFAULT_ETAG_POLICY;
  return {
    products: new ProductRepository(containers.products, policy),
    orders: new OrderRepository(containers.orders, policy),
    paymentTokens: new PaymentTokenRepository(containers.paymentTokens),
    payments: new PaymentRepository(containers.payments),
    shipments: new ShipmentRepository(containers.shipments, policy),
    approvals: new ApprovalRepository(containers.approvals, policy),
    outbox: new OutboxRepository(containers.outbox),
    batches: new BatchRepository(containers.batches),
    gateway: new SimulatedPaymentGateway(containers.gatewayLedger, options.gatewayLatencyMs ?? 0),
  };
}

let override: Repositories | undefined;

/** The app's repositories, built on first use from the settings. */
export async function getRepositories(): Promise<Repositories> {
  if (override) return override;
  const containers = await getContainers();
  return repositoriesFor(containers, { gatewayLatencyMs: getConfig().PAYMENT_GATEWAY_LATENCY_MS });
}

/** Points the app at another store (tests run activities against an in-process Cosmos server). */
export function useRepositories(repositories: Repositories | undefined): void {
  override = repositories;
}
