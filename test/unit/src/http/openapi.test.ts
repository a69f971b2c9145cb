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
        'GET /api/approvals/{requestId}',
        'GET /api/batches/{batchId}',
        'GET /api/customers/{customerId}/stats',
        'GET /api/instances/{instanceId}/links',
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

  it("describes the 202 of every starter as the app's own links, with no management URL", () => {
    for (const route of ['/api/orders', '/api/batches', '/api/approvals', '/api/operations']) {
      const accepted = doc.paths[route]?.post?.responses as Record<
        string,
        { content: Record<string, { schema: { properties: Record<string, unknown> } }> }
      >;
      const properties = Object.keys(accepted['202']?.content['application/json']?.schema.properties ?? {});
      expect({ route, properties: properties.sort() }).toEqual({
        route,
        properties: ['id', 'resourceUri', 'statusQueryGetUri'],
      });
    }
  });
});
