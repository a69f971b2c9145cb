import * as df from 'durable-functions';
import { CallDownstream } from '../activities/callDownstream';
import { HandleFailure } from '../activities/handleFailure';
import { errorMessage, parseOrThrow, ResilientInputSchema, type ResilientResult } from '../domain';
import { downstreamRetry } from './retryPolicies';

export const RESILIENT_ORCHESTRATOR = 'resilientOrchestrator';

/**
 * Calls a flaky downstream with the SDK's retry (5 s, ×2, ≤ 1 min, 3 attempts, no retry
 * timeout: see retryPolicies) and hands the last error to HandleFailure when every attempt fails.
 */
function* resilientOrchestrator(
  context: df.OrchestrationContext,
): Generator<df.Task, ResilientResult, unknown> {
  const { operationId, payload } = parseOrThrow(
    ResilientInputSchema,
    context.df.getInput(),
    'resilientOrchestrator input',
  );
  context.df.setCustomStatus({ step: 'CallDownstream', operationId });
  try {
    const { response } = yield* CallDownstream.run(
      context,
      { operationId, ...(payload ? { payload } : {}) },
      downstreamRetry(),
    );
    context.df.setCustomStatus({ step: 'Done', operationId });
    return { status: 'Succeeded', operationId, response };
  } catch (err) {
    const error = errorMessage(err);
    context.df.setCustomStatus({ step: 'HandleFailure', operationId });
    yield* HandleFailure.run(context, { operationId, error: error.slice(0, 2_000) }, downstreamRetry());
    context.df.setCustomStatus({ step: 'Done', operationId });
    return { status: 'HandledFailure', operationId, error };
  }
}

df.app.orchestration(RESILIENT_ORCHESTRATOR, resilientOrchestrator);
