import { z } from 'zod';
import { EmailSchema, IsoDateTimeSchema, TextSchema } from './common';
import { IdSchema } from './ids';
import { APPROVAL_MAX_TIMEOUT_SECONDS } from './limits';

export const APPROVAL_EVENT = 'ApprovalResponse';
/** Event names only the workflows may raise; the generic raise-event endpoint refuses them. */
export const RESERVED_EVENT_NAMES: readonly string[] = [APPROVAL_EVENT];

export const CreateApprovalRequestSchema = z.strictObject({
  requestId: IdSchema,
  requestedBy: EmailSchema,
  approver: EmailSchema,
  subject: TextSchema,
  amount: z.number().nonnegative().max(1_000_000_000).optional(),
  /** Shorter deadlines are for demos and tests; the default is 24 hours. */
  timeoutSeconds: z.number().int().min(1).max(APPROVAL_MAX_TIMEOUT_SECONDS).optional(),
});

export const ApprovalDecisionSchema = z.enum(['Approved', 'Rejected']);

/** What the approver posts; the one-time token may come in the body or as `?token=`. */
export const SubmitApprovalBodySchema = z.strictObject({
  decision: ApprovalDecisionSchema,
  comment: z.string().max(500).optional(),
  token: z.string().min(1).max(200).optional(),
});

/** The event payload raised to the workflow: the decision only, never the token. */
export const ApprovalResponseEventSchema = z.strictObject({
  decision: ApprovalDecisionSchema,
  comment: z.string().max(500).optional(),
  decidedAt: IsoDateTimeSchema,
});

export const ApprovalWorkflowInputSchema = z.strictObject({
  request: CreateApprovalRequestSchema.omit({ timeoutSeconds: true }),
  timeoutSeconds: z.number().int().min(1).max(APPROVAL_MAX_TIMEOUT_SECONDS),
});

export const ApprovalOutcomeSchema = z.enum(['Approved', 'Rejected', 'Timeout']);

export type CreateApprovalRequest = z.infer<typeof CreateApprovalRequestSchema>;
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;
export type ApprovalResponseEvent = z.infer<typeof ApprovalResponseEventSchema>;
export type ApprovalWorkflowInput = z.infer<typeof ApprovalWorkflowInputSchema>;
export type ApprovalOutcome = z.infer<typeof ApprovalOutcomeSchema>;

export interface ApprovalResult {
  status: ApprovalOutcome;
  requestId: string;
  decidedAt?: string;
  comment?: string;
}

export const ApprovalResultSchemaForDocs = z.strictObject({
  instanceId: z.string(),
  requestId: IdSchema,
  decision: ApprovalDecisionSchema,
  decidedAt: IsoDateTimeSchema,
});
