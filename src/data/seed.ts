import { type CosmosClient } from '@azure/cosmos';
import { CONTAINERS, CONTAINER_NAMES } from './containers';
import { containersOf } from './dataStore';
import { ProductRepository, type ProductDoc } from './productRepository';

export const SAMPLE_PRODUCTS: readonly Omit<ProductDoc, 'reservations'>[] = [
  { id: 'widget-1', name: 'Widget', unitPrice: 19.99, currency: 'USD', stock: 100 },
  { id: 'gadget-1', name: 'Gadget', unitPrice: 49.5, currency: 'USD', stock: 50 },
  { id: 'gizmo-1', name: 'Gizmo', unitPrice: 5, currency: 'USD', stock: 1_000 },
  { id: 'limited-1', name: 'Limited edition print', unitPrice: 250, currency: 'USD', stock: 2 },
  { id: 'euro-widget-1', name: 'Widget (EU)', unitPrice: 17.99, currency: 'EUR', stock: 100 },
];

export interface SeedReport {
  database: string;
  containersCreated: string[];
  productsCreated: string[];
}

/**
 * Creates the database, its containers and the sample products, each only where missing:
 * running it again never resets stock or touches data.
 */
export async function seedDatabase(client: CosmosClient, databaseId: string): Promise<SeedReport> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  const containersCreated: string[] = [];
  for (const name of CONTAINER_NAMES) {
    const { statusCode } = await database.containers.createIfNotExists(CONTAINERS[name]);
    if (statusCode === 201) containersCreated.push(name);
  }
  const products = new ProductRepository(containersOf(database).products);
  const productsCreated: string[] = [];
  for (const product of SAMPLE_PRODUCTS) {
    if (await products.createIfMissing(product)) productsCreated.push(product.id);
  }
  return { database: databaseId, containersCreated, productsCreated };
}
