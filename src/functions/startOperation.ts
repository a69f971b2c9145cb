import { type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ResilientInputSchema } from '../domain';
import { startAndAccept } from '../http/instances';
import { guarded, readBody } from '../http/responses';
import { RESILIENT_ORCHESTRATOR } from '../orchestrators/resilientOrchestrator';

export const operationInstanceId = (operationId: string) => `operation-${operationId}`;

/** POST /api/operations: starts resilientOrchestrator for one downstream operation. */
export async function startOperation(
  request: HttpRequest,
  client: df.DurableClient,
  _context: InvocationContext,
) {
  const body = await readBody(request, ResilientInputSchema);
  if (!body.ok) return body.response;
  return guarded(() =>
    startAndAccept(client, {
      orchestrator: RESILIENT_ORCHESTRATOR,
      instanceId: operationInstanceId(body.value.operationId),
      input: body.value,
      what: `Operation ${body.value.operationId}`,
    }),
  );
}

df.app.client.http('StartOperation', {
  route: 'operations',
  methods: ['POST'],
  authLevel: 'function',
  handler: startOperation,
});
