/**
 * Every HTTP function of the app (`src/functions`), as fuzz endpoints: valid bodies from the
 * app's zod schemas, near-valid and hostile bodies, hostile route parameters and content types.
 */
import fc from 'fast-check';
import { z } from 'zod';
import {
  CreateApprovalRequestSchema,
  CreateBatchRequestSchema,
  CreateOrderRequestSchema,
  EventNameSchema,
  findUnsafeJson,
  IdSchema,
  InstanceIdSchema,
  REQUEST_BODY_MAX_BYTES,
  ResilientInputSchema,
  SubmitApprovalBodySchema,
} from '../../src/domain';
import { SAMPLE_PRODUCTS } from '../../src/data/seed';
import {
  encodedSegment,
  fuzzCase,
  headersFor,
  UNIQUE_MARK,
  type Endpoint,
  type FuzzCase,
  type FuzzEnv,
} from './cases';
import { contentTypes, hostileBodies, hostileIds, hostileQueries, type BodyCase } from './hostile';
import { validValues } from './schemaArbitrary';

/** The media types the app reads as JSON: JSON, none at all, and text/plain (a string body's). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (
    type === '' ||
    type === 'text/plain' ||
    type === 'application/json' ||
    (type.startsWith('application/') && type.endsWith('+json'))
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether the app must refuse this body: not JSON, not UTF-8, unsafe, or not what `schema` accepts. */
export function bodyIsHostile(
  schema: z.ZodType,
  body: Buffer | undefined,
  contentType: string | undefined,
  options: { emptyIsValid?: boolean } = {},
): boolean {
  if (!isJsonMediaType(contentType)) return true;
  if ((body?.length ?? 0) > REQUEST_BODY_MAX_BYTES) return true;
  let text: string;
  try {
    text = utf8.decode(body ?? Buffer.alloc(0));
  } catch {
    return true;
  }
  if (text.trim() === '') return !options.emptyIsValid;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return true;
  }
  return findUnsafeJson(value) !== undefined || !schema.safeParse(value).success;
}

const productIds = fc.constantFrom(...SAMPLE_PRODUCTS.map((p) => p.id));

/** The schema's valid documents, with the resource's own id made unique (so a valid start is a 202, not a 409). */
function validDocuments<S extends z.ZodType>(
  env: FuzzEnv,
  schema: S,
  idField: string,
  overrides: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<unknown> {
  return validValues(schema, { overrides }).map((doc) => ({
    ...(doc as Record<string, unknown>),
    [idField]: env.unique('fz'),
  }));
}

interface BodyEndpointOptions {
  name: string;
  route: string;
  path: string;
  schema: z.ZodType;
  valid: (env: FuzzEnv) => fc.Arbitrary<unknown>;
  /** The field holding the resource's own id (a fresh one unless a mutation replaced it). */
  idField: string;
  /** Refused for what it names rather than its shape (an unknown product): a 400 that writes nothing. */
  refused?: (doc: Record<string, unknown>) => boolean;
}

/**
 * What a starter does with a body: `hostile` (refused, nothing written), or the statuses a valid
 * document may get: 202, or 409 when a mutation gave it an id an earlier case already started.
 */
function starterVerdict(
  options: BodyEndpointOptions,
  body: Buffer | undefined,
  contentType: string | undefined,
) {
  if (bodyIsHostile(options.schema, body, contentType)) return { hostile: true, expected: [] };
  const doc = JSON.parse(utf8.decode(body ?? Buffer.alloc(0))) as Record<string, unknown>;
  if (options.refused?.(doc)) return { hostile: true, expected: [] };
  const fresh = String(doc[options.idField]).includes(UNIQUE_MARK);
  return { hostile: false, expected: fresh ? [202] : [202, 409] };
}

/** A starter: POST of a JSON document, nothing in the path. */
function starter(options: BodyEndpointOptions): Endpoint {
  return {
    name: `app:${options.name}`,
    surface: 'app',
    route: options.route,
    cases: (env) => {
      const valid = options.valid(env);
      const validCase = fc
        .tuple(valid, fc.constantFrom('application/json', undefined, 'application/json; charset=utf-8'))
        .map(([doc, contentType]) =>
          fuzzCase({
            kind: 'valid',
            hostile: false,
            expected: [202],
            method: 'POST',
            path: options.path,
            headers: headersFor(env, contentType),
            body: Buffer.from(JSON.stringify(doc)),
          }),
        );
      const hostileCase = fc.tuple(hostileBodies(valid), contentTypes).map(([body, contentType]) => {
        const verdict = starterVerdict(options, body.bytes, contentType);
        return bodyCase(env, 'POST', options.path, body, contentType, verdict.hostile, verdict.expected);
      });
      // Valid starts run their workflow to the end before the next case: few of them (one in 40).
      return fc.oneof({ weight: 1, arbitrary: validCase }, { weight: 39, arbitrary: hostileCase });
    },
  };
}

function bodyCase(
  env: FuzzEnv,
  method: string,
  path: string,
  body: BodyCase,
  contentType: string | undefined,
  hostile: boolean,
  validStatuses: readonly number[],
): FuzzCase {
  return fuzzCase({
    kind: body.kind,
    hostile,
    ...(hostile ? {} : { expected: validStatuses }),
    method,
    path,
    headers: headersFor(env, contentType),
    ...(body.bytes !== undefined ? { body: body.bytes } : {}),
  });
}

/** A route parameter: a known id, a fresh valid one, or a hostile one in some encoding. */
function param(
  schema: z.ZodType,
  known: string[],
  env: FuzzEnv,
): fc.Arbitrary<{ raw: string; state: 'known' | 'unknown' | 'maybe' | 'hostile' }> {
  const hostile = hostileIds.chain(encodedSegment).map(({ raw, value }) => ({
    raw,
    // The host cannot decode it (no route), or the app's rule refuses it; a few hostile strings are ids.
    state:
      value === undefined || !schema.safeParse(value).success
        ? ('hostile' as const)
        : known.includes(value)
          ? ('known' as const)
          : // A hostile string that is an id: a valid start may have used it.
            ('maybe' as const),
  }));
  const unknown = fc.constant(null).map(() => ({ raw: env.unique('fz-none'), state: 'unknown' as const }));
  return fc.oneof(
    { weight: 6, arbitrary: hostile },
    { weight: 1, arbitrary: unknown },
    ...(known.length > 0
      ? [{ weight: 1, arbitrary: fc.constantFrom(...known).map((raw) => ({ raw, state: 'known' as const })) }]
      : []),
  );
}

/** A GET of one resource by id: 200 when it exists, 404 when it does not, 400 for a hostile id. */
function reader(options: {
  name: string;
  route: string;
  path: (id: string) => string;
  schema: z.ZodType;
  known: (env: FuzzEnv) => string[];
  /** The answer a query asks for instead, for an id the route accepts (`?showHistory=true` → 403). */
  queryAnswer?: (query: string) => number | undefined;
}): Endpoint {
  return {
    name: `app:${options.name}`,
    surface: 'app',
    route: options.route,
    cases: (env) =>
      fc.tuple(param(options.schema, options.known(env), env), hostileQueries).map(([id, query]) =>
        fuzzCase({
          kind: `id:${id.state}`,
          hostile: id.state === 'hostile',
          expected:
            options.queryAnswer?.(query) !== undefined
              ? [options.queryAnswer(query)!]
              : id.state === 'known'
                ? [200]
                : id.state === 'maybe'
                  ? [200, 404]
                  : [404],
          method: 'GET',
          path: `${options.path(id.raw)}${query}`,
          headers: headersFor(env, undefined),
        }),
      ),
  };
}

const approvalInstance = (requestId: string) => `approval-${requestId}`;

/** POST /api/approvals/{instanceId}/response: the id and the body are both fuzzed. */
const submitApproval: Endpoint = {
  name: 'app:SubmitApproval',
  surface: 'app',
  route: 'POST /api/approvals/{instanceId}/response',
  cases: (env) => {
    const validBody = validValues(SubmitApprovalBodySchema).map((body) => {
      const { token: _token, ...rest } = body;
      return rest;
    });
    const decision = fc
      .tuple(fc.constantFrom(...env.known.approvals), validBody, fc.boolean())
      .map(([approval, body, inQuery]) =>
        fuzzCase({
          kind: 'valid',
          hostile: false,
          // The first decision wins; the same approval decided again is a 409.
          expected: [200, 409],
          method: 'POST',
          path: `/api/approvals/${approvalInstance(approval.requestId)}/response${inQuery ? `?token=${approval.token}` : ''}`,
          headers: headersFor(env, 'application/json'),
          body: Buffer.from(JSON.stringify(inQuery ? body : { ...body, token: approval.token })),
        }),
      );
    const known = env.known.approvals.map((a) => approvalInstance(a.requestId));
    const fuzzed = fc
      .tuple(param(InstanceIdSchema, known, env), hostileBodies(validBody), contentTypes)
      .map(([id, body, contentType]) => {
        const badBody = bodyIsHostile(SubmitApprovalBodySchema, body.bytes, contentType);
        return bodyCase(
          env,
          'POST',
          `/api/approvals/${id.raw}/response`,
          { ...body, kind: `id:${id.state}/${body.kind}` },
          contentType,
          id.state === 'hostile' || badBody,
          // A valid body without the token: 404 for an unknown request, 401 for a known one.
          id.state === 'known' ? [401] : id.state === 'maybe' ? [401, 404] : [404],
        );
      });
    return fc.oneof({ weight: 1, arbitrary: decision }, { weight: 12, arbitrary: fuzzed });
  },
};

/** POST /api/instances/{instanceId}/events/{eventName}: any JSON is event data. */
const raiseEvent: Endpoint = {
  name: 'app:RaiseEvent',
  surface: 'app',
  route: 'POST /api/instances/{instanceId}/events/{eventName}',
  cases: (env) => {
    const data = fc.jsonValue({ maxDepth: 3 });
    const eventName = fc.oneof(
      {
        weight: 2,
        arbitrary: fc
          .stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/)
          .map((raw) => ({ raw, ok: raw.toLowerCase() !== 'approvalresponse' })),
      },
      {
        weight: 1,
        arbitrary: fc
          .oneof(hostileIds, fc.constantFrom('ApprovalResponse', 'approvalresponse'))
          .chain(encodedSegment)
          .map(({ raw, value }) => ({
            raw,
            ok:
              value !== undefined &&
              EventNameSchema.safeParse(value).success &&
              value.toLowerCase() !== 'approvalresponse',
          })),
      },
    );
    return fc
      .tuple(
        param(InstanceIdSchema, [env.known.eventTargetInstanceId], env),
        eventName,
        hostileBodies(data),
        contentTypes,
      )
      .map(([id, name, body, contentType]) => {
        const badBody = bodyIsHostile(z.unknown(), body.bytes, contentType, { emptyIsValid: true });
        return bodyCase(
          env,
          'POST',
          `/api/instances/${id.raw}/events/${name.raw}`,
          { ...body, kind: `id:${id.state}/${body.kind}` },
          contentType,
          id.state === 'hostile' || !name.ok || badBody,
          id.state === 'known' ? [202] : id.state === 'maybe' ? [202, 404] : [404],
        );
      });
  },
};

const getOpenApi: Endpoint = {
  name: 'app:GetOpenApi',
  surface: 'app',
  route: 'GET /api/openapi.json',
  // It takes no input: whatever the query and headers, the document.
  cases: () =>
    fc
      .tuple(hostileQueries, fc.constantFrom(undefined, 'text/plain', 'application/json'))
      .map(([query, contentType]) =>
        fuzzCase({
          kind: 'query',
          hostile: false,
          expected: [200],
          method: 'GET',
          path: `/api/openapi.json${query}`,
          headers: contentType ? { 'content-type': contentType } : {},
        }),
      ),
};

export const appEndpoints: Endpoint[] = [
  starter({
    name: 'StartOrder',
    route: 'POST /api/orders',
    path: '/api/orders',
    schema: CreateOrderRequestSchema,
    valid: (env) =>
      validDocuments(env, CreateOrderRequestSchema, 'id', {
        productId: productIds,
        paymentMethodToken: fc.constant('tok_visa'),
      }),
    idField: 'id',
    refused: (doc) =>
      (doc.items as { productId: string }[]).some(
        (item) => !SAMPLE_PRODUCTS.some((p) => p.id === item.productId),
      ),
  }),
  starter({
    name: 'StartBatch',
    route: 'POST /api/batches',
    path: '/api/batches',
    schema: CreateBatchRequestSchema,
    valid: (env) => validDocuments(env, CreateBatchRequestSchema, 'batchId', { productId: productIds }),
    idField: 'batchId',
  }),
  starter({
    name: 'StartApproval',
    route: 'POST /api/approvals',
    path: '/api/approvals',
    schema: CreateApprovalRequestSchema,
    // Long deadlines: a timeout firing during a later case would write to Cosmos under it.
    valid: (env) =>
      validDocuments(env, CreateApprovalRequestSchema, 'requestId', {
        timeoutSeconds: fc.integer({ min: 24 * 60 * 60, max: 7 * 24 * 60 * 60 }),
      }),
    idField: 'requestId',
  }),
  starter({
    name: 'StartOperation',
    route: 'POST /api/operations',
    path: '/api/operations',
    schema: ResilientInputSchema,
    valid: (env) => validDocuments(env, ResilientInputSchema, 'operationId'),
    idField: 'operationId',
  }),
  submitApproval,
  raiseEvent,
  reader({
    name: 'GetOrder',
    route: 'GET /api/orders/{orderId}',
    path: (id) => `/api/orders/${id}`,
    schema: IdSchema,
    known: (env) => [env.known.orderId],
  }),
  reader({
    name: 'GetBatch',
    route: 'GET /api/batches/{batchId}',
    path: (id) => `/api/batches/${id}`,
    schema: IdSchema,
    known: (env) => [env.known.batchId],
  }),
  reader({
    name: 'GetApproval',
    route: 'GET /api/approvals/{requestId}',
    path: (id) => `/api/approvals/${id}`,
    schema: IdSchema,
    known: (env) => env.known.approvals.map((a) => a.requestId),
  }),
  reader({
    name: 'GetCustomerStats',
    route: 'GET /api/customers/{customerId}/stats',
    path: (id) => `/api/customers/${id}/stats`,
    schema: IdSchema,
    known: (env) => [env.known.customerId],
  }),
  reader({
    name: 'GetOrchestrationStatus',
    route: 'GET /api/status/{instanceId}',
    path: (id) => `/api/status/${id}`,
    schema: InstanceIdSchema,
    known: (env) => env.known.finishedInstanceIds,
    // History needs the admin route: the status route says where, with 403.
    queryAnswer: (query) => (new URLSearchParams(query).get('showHistory') === 'true' ? 403 : undefined),
  }),
  reader({
    name: 'GetOrchestrationHistory',
    route: 'GET /api/status/{instanceId}/history',
    path: (id) => `/api/status/${id}/history`,
    schema: InstanceIdSchema,
    known: (env) => env.known.finishedInstanceIds,
  }),
  reader({
    name: 'GetManagementLinks',
    route: 'GET /api/instances/{instanceId}/links',
    path: (id) => `/api/instances/${id}/links`,
    schema: InstanceIdSchema,
    known: (env) => env.known.finishedInstanceIds,
  }),
  getOpenApi,
];
