import { orderRequest } from '../../../support/orders';
/** A valid `POST /api/orders` body for the sample catalog. */
export const validOrder = () => orderRequest('order-1');
