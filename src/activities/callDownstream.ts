import { z } from 'zod';
import { getConfig } from '../config';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

class DownstreamError extends Error {
  override name = 'DownstreamError';
}

/**
 * The flaky dependency of resilientOrchestrator: DOWNSTREAM_URL when set, otherwise a simulated
 * service failing at DOWNSTREAM_FAILURE_RATE. Failures throw, so the orchestrator's retry runs.
 */
export const CallDownstream = defineActivity({
  name: 'CallDownstream',
  input: z.strictObject({
    operationId: IdSchema,
    payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
  handler: async ({ operationId, payload }): Promise<{ response: string }> => {
    const config = getConfig();
    if (config.DOWNSTREAM_URL) {
      const response = await fetch(config.DOWNSTREAM_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': operationId },
        body: JSON.stringify(payload ?? {}),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new DownstreamError(`Downstream answered ${response.status}`);
      return { response: (await response.text()).slice(0, 1_000) };
    }
    if (Math.random() < config.DOWNSTREAM_FAILURE_RATE) {
      throw new DownstreamError('Simulated downstream is unavailable (503)');
    }
    return { response: `accepted ${operationId}` };
  },
});
