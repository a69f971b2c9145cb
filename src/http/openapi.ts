import { z } from 'zod';
import {
  ApprovalResultSchemaForDocs,
  BatchResultSchema,
  CreateApprovalRequestSchema,
  CreateBatchRequestSchema,
  CreateOrderRequestSchema,
  CustomerStatsSchema,
  ProcessOrderResultSchema,
  RecordedOrderOutcomeSchema,
  ResilientInputSchema,
  SubmitApprovalBodySchema,
} from '../domain';

const ErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })),
  }),
});

/** The app's own links (src/http/links.ts): no management URL, no key. */
const ClientLinksSchema = z.object({
  id: z.string(),
  statusQueryGetUri: z.string(),
  resourceUri: z.string().optional(),
});

const ManagementLinksSchema = z.object({
  id: z.string(),
  statusQueryGetUri: z.string(),
  sendEventPostUri: z.string(),
  terminatePostUri: z.string(),
  rewindPostUri: z.string(),
  purgeHistoryDeleteUri: z.string(),
  suspendPostUri: z.string(),
  resumePostUri: z.string(),
});

const StatusSchema = z.object({
  instanceId: z.string(),
  runtimeStatus: z.enum([
    'Pending',
    'Running',
    'Completed',
    'ContinuedAsNew',
    'Failed',
    'Terminated',
    'Suspended',
  ]),
  createdTime: z.string(),
  lastUpdatedTime: z.string(),
  output: z.unknown(),
  customStatus: z.unknown(),
});

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const content = (s: z.ZodType) => ({ 'application/json': { schema: schema(s) } });
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [String(code), { description: describe(code), content: content(ErrorSchema) }]),
  );
const param = (name: string, where: 'path' | 'query' = 'path', required = true) => ({
  name,
  in: where,
  required,
  schema: { type: 'string' },
});
const functionKey = [{ functionKey: [] }];
const adminKey = [{ adminKey: [] }];

function describe(code: number): string {
  return (
    (
      {
        400: 'Invalid input (nothing started or written)',
        401: 'Token missing',
        403: 'Token or key refused',
        404: 'Not found',
        409: 'Already exists or decided',
        410: 'Expired',
        413: 'The body is larger than the API reads (nothing started or written)',
        415: 'The body is not declared as JSON (nothing started or written)',
        503: 'Cosmos DB not ready or not answering for now (Retry-After says when to try again)',
      } as Record<number, string>
    )[code] ?? 'Error'
  );
}

/** OpenAPI 3.1 generated from the same zod schemas that validate requests. */
export function buildOpenApi(serverUrl: string): Record<string, unknown> {
  const started = {
    '202': {
      description: 'Workflow started; Location is the status resource',
      content: content(ClientLinksSchema),
    },
  };
  const view = (description: string, fields: Record<string, z.ZodType>) => ({
    '200': {
      description,
      content: content(ClientLinksSchema.extend({ ...fields, orchestration: StatusSchema.nullable() })),
    },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Order workflows', version: '0.1.0' },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
        adminKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-functions-key',
          description: 'The master (admin) key',
        },
      },
    },
    paths: {
      '/api/orders': {
        post: {
          operationId: 'StartOrder',
          security: functionKey,
          requestBody: { required: true, content: content(CreateOrderRequestSchema) },
          responses: { ...started, ...errors(400, 409, 413, 415, 503) },
        },
      },
      '/api/orders/{orderId}': {
        get: {
          operationId: 'GetOrder',
          security: functionKey,
          parameters: [param('orderId')],
          responses: {
            ...view('The order, the outcome its workflow recorded, and its workflow', {
              order: z.unknown(),
              outcome: RecordedOrderOutcomeSchema.nullable(),
              finishedAt: z.string().nullable(),
            }),
            ...errors(400, 404, 503),
          },
        },
      },
      '/api/batches/{batchId}': {
        get: {
          operationId: 'GetBatch',
          security: functionKey,
          parameters: [param('batchId')],
          responses: {
            ...view('The stored batch (without items) and its workflow', { batch: z.unknown() }),
            ...errors(400, 404, 503),
          },
        },
      },
      '/api/approvals/{requestId}': {
        get: {
          operationId: 'GetApproval',
          security: functionKey,
          parameters: [param('requestId')],
          responses: {
            ...view('The approval task as recorded and its workflow', { approval: z.unknown() }),
            ...errors(400, 404, 503),
          },
        },
      },
      '/api/batches': {
        post: {
          operationId: 'StartBatch',
          security: functionKey,
          requestBody: { required: true, content: content(CreateBatchRequestSchema) },
          responses: { ...started, ...errors(400, 409, 413, 415, 503) },
        },
      },
      '/api/approvals': {
        post: {
          operationId: 'StartApproval',
          security: functionKey,
          requestBody: { required: true, content: content(CreateApprovalRequestSchema) },
          responses: { ...started, ...errors(400, 409, 413, 415, 503) },
        },
      },
      '/api/approvals/{instanceId}/response': {
        post: {
          operationId: 'SubmitApproval',
          security: [],
          parameters: [param('instanceId'), param('token', 'query', false)],
          requestBody: { required: true, content: content(SubmitApprovalBodySchema) },
          responses: {
            '200': { description: 'Decision recorded', content: content(ApprovalResultSchemaForDocs) },
            ...errors(400, 401, 403, 404, 409, 410, 413, 415, 503),
          },
        },
      },
      '/api/operations': {
        post: {
          operationId: 'StartOperation',
          security: functionKey,
          requestBody: { required: true, content: content(ResilientInputSchema) },
          responses: { ...started, ...errors(400, 409, 413, 415) },
        },
      },
      '/api/status/{instanceId}': {
        get: {
          operationId: 'GetOrchestrationStatus',
          security: functionKey,
          parameters: [param('instanceId')],
          responses: {
            '200': { description: 'Instance status', content: content(StatusSchema) },
            ...errors(400, 403, 404),
          },
        },
      },
      '/api/status/{instanceId}/history': {
        get: {
          operationId: 'GetOrchestrationHistory',
          security: adminKey,
          parameters: [param('instanceId')],
          responses: {
            '200': {
              description: 'Status with input and history',
              content: content(StatusSchema.extend({ input: z.unknown(), history: z.array(z.unknown()) })),
            },
            ...errors(400, 404),
          },
        },
      },
      '/api/instances/{instanceId}/links': {
        get: {
          operationId: 'GetManagementLinks',
          security: adminKey,
          parameters: [param('instanceId')],
          responses: {
            '200': {
              description: 'The Durable management URLs; they carry the system key',
              content: content(ManagementLinksSchema),
            },
            ...errors(400, 404),
          },
        },
      },
      '/api/instances/{instanceId}/events/{eventName}': {
        post: {
          operationId: 'RaiseEvent',
          security: adminKey,
          parameters: [param('instanceId'), param('eventName')],
          requestBody: { required: false, content: content(z.unknown()) },
          responses: { '202': { description: 'Event raised' }, ...errors(400, 404, 413, 415) },
        },
      },
      '/api/customers/{customerId}/stats': {
        get: {
          operationId: 'GetCustomerStats',
          security: functionKey,
          parameters: [param('customerId')],
          responses: {
            '200': { description: 'Order statistics', content: content(CustomerStatsSchema) },
            ...errors(400, 404),
          },
        },
      },
      '/api/openapi.json': {
        get: {
          operationId: 'GetOpenApi',
          security: [],
          responses: { '200': { description: 'This document' } },
        },
      },
    },
    'x-workflow-results': {
      processOrder: schema(ProcessOrderResultSchema),
      processBatch: schema(BatchResultSchema),
    },
  };
}
