import { z } from 'zod';
import { IdSchema } from './ids';
import { OrderSchema } from './order';

export const OrderOutcomeSchema = z.enum([
  'Completed',
  'Invalid',
  'OutOfStock',
  'PaymentFailed',
  'ShipmentFailed',
  'CompensationFailed',
]);

/** Undo steps, named by the activity that performs them. */
export const CompensationSchema = z.enum(['ReleaseInventory', 'RefundPayment', 'CancelShipment']);

export const ProcessOrderInputSchema = z.strictObject({ order: OrderSchema });

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

export const OrderStepSchema = z.enum([
  'ValidateOrder',
  'ReserveInventory',
  'ProcessPayment',
  'CreateShipment',
  'SendConfirmation',
  'Compensating',
  'Done',
]);

export type OrderOutcome = z.infer<typeof OrderOutcomeSchema>;
export type Compensation = z.infer<typeof CompensationSchema>;
export type ProcessOrderInput = z.infer<typeof ProcessOrderInputSchema>;
export type ProcessOrderResult = z.infer<typeof ProcessOrderResultSchema>;
export type OrderStep = z.infer<typeof OrderStepSchema>;

export const ResilientInputSchema = z.strictObject({
  operationId: IdSchema,
  payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const ResilientResultSchema = z.strictObject({
  status: z.enum(['Succeeded', 'HandledFailure']),
  operationId: IdSchema,
  response: z.string().optional(),
  error: z.string().optional(),
});

export type ResilientInput = z.infer<typeof ResilientInputSchema>;
export type ResilientResult = z.infer<typeof ResilientResultSchema>;
