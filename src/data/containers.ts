import { type ContainerRequest } from '@azure/cosmos';

const DAY = 24 * 60 * 60;

/**
 * Every container the app uses. Partition keys and TTLs are explained in docs/data.md.
 * `defaultTtl: -1` turns TTL on without expiring anything unless a document sets `ttl`.
 */
export const CONTAINERS = {
  products: { id: 'products', partitionKey: { paths: ['/id'] } },
  orders: { id: 'orders', partitionKey: { paths: ['/id'] } },
  paymentTokens: { id: 'paymentTokens', partitionKey: { paths: ['/id'] }, defaultTtl: 30 * DAY },
  payments: { id: 'payments', partitionKey: { paths: ['/orderId'] } },
  gatewayLedger: { id: 'gatewayLedger', partitionKey: { paths: ['/idempotencyKey'] } },
  shipments: { id: 'shipments', partitionKey: { paths: ['/orderId'] } },
  approvals: { id: 'approvals', partitionKey: { paths: ['/id'] }, defaultTtl: -1 },
  outbox: { id: 'outbox', partitionKey: { paths: ['/id'] }, defaultTtl: 30 * DAY },
  batches: {
    id: 'batches',
    partitionKey: { paths: ['/batchId'] },
    defaultTtl: 30 * DAY,
    indexingPolicy: {
      indexingMode: 'consistent',
      includedPaths: [{ path: '/*' }],
      excludedPaths: [{ path: '/items/*' }, { path: '/"_etag"/?' }],
    },
  },
} as const satisfies Record<string, ContainerRequest>;

export type ContainerName = keyof typeof CONTAINERS;
export const CONTAINER_NAMES = Object.keys(CONTAINERS) as ContainerName[];
