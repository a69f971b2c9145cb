import { app, type HttpRequest } from '@azure/functions';
import { buildOpenApi } from '../http/openapi';

/**
 * GET /api/openapi.json: anonymous, like any API description. Its server is relative (`/`, where
 * the document is served), never taken from the Host header a caller chose.
 */
export function getOpenApi(_request: HttpRequest) {
  return Promise.resolve({ status: 200, jsonBody: buildOpenApi('/') });
}

app.http('GetOpenApi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: getOpenApi,
});
