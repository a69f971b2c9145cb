import { buildOpenApi } from '../../../../src/http/openapi';

describe('OpenAPI document', () => {
  const doc = buildOpenApi('http://localhost:7071') as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };

  it('is OpenAPI 3.1 and lists every route with its methods', () => {
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'GET /api/customers/{customerId}/stats',
        'GET /api/openapi.json',
        'GET /api/orders/{orderId}',
        'GET /api/status/{instanceId}',
        'GET /api/status/{instanceId}/history',
        'POST /api/approvals',
        'POST /api/approvals/{instanceId}/response',
        'POST /api/batches',
        'POST /api/instances/{instanceId}/events/{eventName}',
        'POST /api/operations',
        'POST /api/orders',
      ].sort(),
    );
  });

  it('carries request schemas generated from the zod schemas, limits included', () => {
    const body = doc.paths['/api/orders']?.post?.requestBody as {
      content: Record<string, { schema: Record<string, unknown> }>;
    };
    const schema = body.content['application/json']?.schema as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    expect(schema.properties.items).toMatchObject({ minItems: 1, maxItems: 100 });
    expect(schema.required).toContain('paymentMethodToken');
  });
});
