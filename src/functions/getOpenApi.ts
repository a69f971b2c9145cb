import { app, type HttpRequest } from '@azure/functions';
import { buildOpenApi } from '../http/openapi';

/** GET /api/openapi.json: anonymous, like any API description. */
export function getOpenApi(request: HttpRequest) {
  const url = new URL(request.url);
  return Promise.resolve({ status: 200, jsonBody: buildOpenApi(`${url.protocol}//${url.host}`) });
}

app.http('GetOpenApi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: getOpenApi,
});
