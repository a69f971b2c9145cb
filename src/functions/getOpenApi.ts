import { app, type HttpRequest } from '@azure/functions';
import { buildOpenApi } from '../http/openapi';

/**
 * GET /api/openapi.json: anonymous, like any API description. Its server is relative (`/`, where
 * the document is served), never taken from the Host header a caller chose.
 */
export function getOpenApi(_request: HttpRequest) {
  // Built once: the schemas do not change while the app runs, and building it costs tens of ms.
  openApiDocument ??= buildOpenApi('/');
  return Promise.resolve({ status: 200, jsonBody: openApiDocument });
}

let openApiDocument: Record<string, unknown> | undefined;

app.http('GetOpenApi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: getOpenApi,
});
