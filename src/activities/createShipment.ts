import { createHash } from 'node:crypto';
import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { shipmentDocId } from '../data/shipmentRepository';
import { AddressSchema, IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

export type CreateShipmentResult =
  { status: 'Created'; shipmentId: string; trackingNumber: string } | { status: 'Rejected'; reason: string };

/** Countries the simulated carrier delivers to; elsewhere is a business rejection. */
const SERVED_COUNTRIES: ReadonlySet<string> = new Set([
  'US',
  'CA',
  'GB',
  'IE',
  'DE',
  'FR',
  'NL',
  'BE',
  'ES',
  'IT',
]);

export const CreateShipment = defineActivity({
  name: 'CreateShipment',
  input: z.strictObject({ orderId: IdSchema, address: AddressSchema }),
  handler: async ({ orderId, address }): Promise<CreateShipmentResult> => {
    if (!SERVED_COUNTRIES.has(address.country)) {
      return { status: 'Rejected', reason: `The carrier does not deliver to ${address.country}` };
    }
    const { shipments } = await getRepositories();
    const trackingNumber = `TRK${createHash('sha256').update(orderId).digest('hex').slice(0, 12).toUpperCase()}`;
    const { doc } = await shipments.create({
      id: shipmentDocId(orderId),
      orderId,
      status: 'Created',
      trackingNumber,
      country: address.country,
      createdAt: new Date().toISOString(),
    });
    return { status: 'Created', shipmentId: doc.id, trackingNumber: doc.trackingNumber };
  },
});
