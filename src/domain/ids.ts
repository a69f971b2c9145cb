import { z } from 'zod';
import { ID_MAX_LENGTH, INSTANCE_ID_MAX_LENGTH } from './limits';

/**
 * One alphabet for every id the app accepts: ids become Cosmos ids, instance ids and URL path
 * segments, so none may hold `/ \ ? #`, `%`, spaces or control characters.
 */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const ID_RULE = 'Use letters, digits and _ . : - (starting with a letter or digit)';

/** A business id: order, customer, product, batch, item, approval request, operation. */
export const IdSchema = z.string().min(1).max(ID_MAX_LENGTH).regex(ID_PATTERN, ID_RULE);

/**
 * An orchestration instance id: a business id with its workflow's prefix (`order-…`), or a batch
 * chunk's `batch-…:chunk:<n>`. Checked before the Durable client builds a URL from it.
 */
export const InstanceIdSchema = z.string().min(1).max(INSTANCE_ID_MAX_LENGTH).regex(ID_PATTERN, ID_RULE);

/** External event names, as the raise-event endpoint accepts them. */
export const EventNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'Letters, digits and _ . - (max 100)');

export function isInstanceId(value: unknown): value is string {
  return InstanceIdSchema.safeParse(value).success;
}
