/**
 * Start and restart, and what both answer with: the check-status 202, or, with `timeout` and
 * `pollingInterval` (seconds), the wait-for-completion semantics of the extension's
 * `WaitForCompletionOrCreateCheckStatusResponseAsync`. Waiting reads the host's Clock, so virtual
 * time drives it.
 */
import { isTerminal } from '../../protocol/history';
import type { Clock } from '../../clock/clock';
import type { ApiContext, ApiRequest } from './apiContext';
import { checkStatusResponse } from './checkStatus';
import { getInstanceStatus } from './instanceHandlers';
import { DurableOperationError, type DurableOperations, type OrchestrationStatusPayload } from './operations';
import { parseBoolean, parseSecondsAsMs } from './query';
import { startInput } from './requestBody';
import {
  errorResponse,
  ExceptionType,
  GENERIC_BAD_REQUEST,
  jsonResponse,
  type ApiResponse,
} from './responses';

type WaitOptions = { timeoutMs: number; intervalMs: number } | undefined;

export async function startOrchestration(
  ctx: ApiContext,
  req: ApiRequest,
  functionName: string,
  instanceId: string | undefined,
): Promise<ApiResponse> {
  const input = startInput(req.body);
  if (!input.ok) {
    return errorResponse(400, 'Invalid JSON content', {
      message: input.error,
      type: ExceptionType.jsonReader,
    });
  }
  const wait = readWaitOptions(req);
  if (wait instanceof Error) return badWaitOptions(wait);
  const version = req.query.get('version');
  const started = await ctx.operations.startNew({
    orchestratorName: functionName,
    ...(instanceId ? { instanceId } : {}),
    input: input.json,
    ...(version !== undefined ? { version } : {}),
  });
  return respondAfterStart(ctx, req, started.instanceId, wait);
}

export async function restartInstance(
  ctx: ApiContext,
  req: ApiRequest,
  instanceId: string,
): Promise<ApiResponse> {
  const wait = readWaitOptions(req);
  if (wait instanceof Error) return badWaitOptions(wait);
  let restarted: { instanceId: string } | undefined;
  try {
    restarted = await ctx.operations.restart(
      instanceId,
      parseBoolean(req.query.get('restartWithNewInstanceId')) ?? true,
    );
  } catch (error) {
    if (
      !(error instanceof DurableOperationError) ||
      error.code === 'instanceExists' ||
      error.code === 'invalidState'
    ) {
      throw error;
    }
    return unknownRestartTarget(error.message);
  }
  if (!restarted)
    return unknownRestartTarget(`An orchestrastion with the instanceId ${instanceId} was not found.`);
  return respondAfterStart(ctx, req, restarted.instanceId, wait);
}

function unknownRestartTarget(detail: string): ApiResponse {
  return errorResponse(400, 'InstanceId does not match a valid orchestration instance.', {
    message: detail,
    type: ExceptionType.argument,
  });
}

/**
 * Both parameters must parse for the wait to apply. Unlike the extension, a polling interval longer
 * than the timeout is refused before anything starts (bad input changes nothing).
 */
function readWaitOptions(req: ApiRequest): WaitOptions | Error {
  const timeoutMs = parseSecondsAsMs(req.query.get('timeout'));
  const intervalMs = parseSecondsAsMs(req.query.get('pollingInterval'));
  if (timeoutMs === undefined || intervalMs === undefined) return undefined;
  if (intervalMs > timeoutMs) {
    return new Error(
      `Total timeout ${timeoutMs / 1000} should be bigger than retry timeout ${intervalMs / 1000}`,
    );
  }
  // A zero interval would poll in a tight loop (and never let virtual time pass): poll at most every ms.
  return { timeoutMs: Math.max(0, timeoutMs), intervalMs: Math.max(1, intervalMs) };
}

function badWaitOptions(error: Error): ApiResponse {
  return errorResponse(400, GENERIC_BAD_REQUEST, { message: error.message, type: ExceptionType.argument });
}

async function respondAfterStart(
  ctx: ApiContext,
  req: ApiRequest,
  instanceId: string,
  wait: WaitOptions,
): Promise<ApiResponse> {
  const links = { origin: req.linkOrigin, taskHubName: ctx.taskHubName, systemKey: ctx.systemKey };
  if (!wait) return checkStatusResponse(links, instanceId);
  const status = await waitForTerminalStatus(
    ctx.operations,
    ctx.clock,
    instanceId,
    wait.timeoutMs,
    wait.intervalMs,
  );
  switch (status?.runtimeStatus) {
    case 'Completed':
      return jsonResponse(200, status.output);
    case 'Failed':
    case 'Canceled':
    case 'Terminated':
      // Re-read through the status route, with this request's show* options; Failed stays a 200.
      return getInstanceStatus(ctx, req, instanceId, false);
    default:
      return checkStatusResponse(links, instanceId);
  }
}

/** Polls until the instance is terminal or `timeoutMs` of clock time has passed. */
export async function waitForTerminalStatus(
  operations: DurableOperations,
  clock: Clock,
  instanceId: string,
  timeoutMs: number,
  intervalMs: number,
): Promise<OrchestrationStatusPayload | undefined> {
  const startedAt = clock.now();
  for (;;) {
    const status = await operations.getStatus(instanceId);
    if (status && isTerminal(status.runtimeStatus)) return status;
    const elapsed = clock.now() - startedAt;
    if (elapsed >= timeoutMs) return status;
    const delay = Math.min(timeoutMs - elapsed, intervalMs);
    await new Promise<void>((resolve) => clock.schedule(clock.now() + delay, resolve));
  }
}
