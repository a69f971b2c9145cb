import { z } from 'zod';
import { IdSchema } from './ids';
import { ID_MAX_LENGTH, PAYLOAD_MAX_FIELDS, TEXT_MAX_LENGTH } from './limits';
import { OrderSchema } from './order';

const OrderOutcomeSchema = z.enum([
  'Completed',
  'Invalid',
  'OutOfStock',
  'PaymentFailed',
  'ShipmentFailed',
  'CompensationFailed',
]);

/** Undo steps, named by the activity that performs them. */
export const CompensationSchema = z.enum(['ReleaseInventory', 'RefundPayment', 'CancelShipment']);

/**
 * The order and the reference of the payment token its starter stored; never the token itself.
 * Anyone holding the system key can start an instance with any input, so ValidateOrder compares
 * the order with the stored one before anything else runs.
 */
export const ProcessOrderInputSchema = z.strictObject({ order: OrderSchema, paymentTokenRef: z.uuid() });

export const ProcessOrderResultSchema = z.strictObject({
  status: OrderOutcomeSchema,
  orderId: IdSchema,
  reason: z.string().optional(),
  paymentId: z.string().optional(),
  shipmentId: z.string().optional(),
  trackingNumber: z.string().optional(),
  totalCents: z.number().int().optional(),
  compensated: z.array(CompensationSchema),
  compensationFailures: z.array(CompensationSchema).optional(),
});

/**
 * What the order document records when its workflow ends: the business outcome, or `Failed`
 * when the workflow failed at run time, or `Abandoned` when its workflow never started (the
 * request died between storing the order and starting it, and no retry came; ReconcileOrders
 * records it). Written once; the order's source of truth.
 */
export const RecordedOrderOutcomeSchema = ProcessOrderResultSchema.extend({
  status: z.enum([...OrderOutcomeSchema.options, 'Failed', 'Abandoned']),
});

export const OrderStepSchema = z.enum([
  'ValidateOrder',
  'ReserveInventory',
  'ProcessPayment',
  'CreateShipment',
  'SendConfirmation',
  'Compensating',
  'Done',
]);

export type Compensation = z.infer<typeof CompensationSchema>;
export type ProcessOrderInput = z.infer<typeof ProcessOrderInputSchema>;
export type ProcessOrderResult = z.infer<typeof ProcessOrderResultSchema>;
export type OrderStep = z.infer<typeof OrderStepSchema>;
export type RecordedOrderOutcome = z.infer<typeof RecordedOrderOutcomeSchema>;

export const ResilientInputSchema = z.strictObject({
  operationId: IdSchema,
  payload: z
    .record(
      z.string().max(ID_MAX_LENGTH),
      z.union([z.string().max(TEXT_MAX_LENGTH), z.number(), z.boolean()]),
    )
    .refine(
      (payload) => Object.keys(payload).length <= PAYLOAD_MAX_FIELDS,
      `At most ${PAYLOAD_MAX_FIELDS} fields`,
    )
    .optional(),
});

export const ResilientResultSchema = z.strictObject({
  status: z.enum(['Succeeded', 'HandledFailure']),
  operationId: IdSchema,
  response: z.string().optional(),
  error: z.string().optional(),
});

export type ResilientResult = z.infer<typeof ResilientResultSchema>;
