/**
 * Turns what the SDK returned or threw into the state EXT works with
 * (`OutOfProcExceptionHelpers.TryExtractOutOfProcStateJson`, `OutOfProcOrchestrationShim`).
 */
import { OUT_OF_PROC_DATA_MARKER, type OrchestratorState } from '../../protocol/actions';
import type { SdkReply } from './types';

export type InterpretedReply =
  | { kind: 'state'; state: OrchestratorState }
  /** The function failed without a usable state: the instance fails with this message. */
  | { kind: 'failed'; message: string };

/** Builds an `SdkReply` from the handler's outcome, for callers that hold a value or a caught error. */
export function sdkReplyFromOutcome(outcome: { returned: unknown } | { thrown: unknown }): SdkReply {
  if ('thrown' in outcome) {
    const error = outcome.thrown;
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'thrown', message };
  }
  return { kind: 'state', state: outcome.returned as OrchestratorState };
}

function isState(value: unknown): value is OrchestratorState {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<OrchestratorState>;
  return typeof candidate.isDone === 'boolean' && Array.isArray(candidate.actions);
}

function checkState(value: unknown): InterpretedReply {
  if (!isState(value)) {
    return {
      kind: 'failed',
      message: 'The data returned by the out-of-process function execution was not valid json.',
    };
  }
  if (value.actions.length !== 1 || !Array.isArray(value.actions[0])) {
    return {
      kind: 'failed',
      message: `With OOProc schema V3, expected actions array to be of length 1 in outer layer but got size: ${value.actions.length}`,
    };
  }
  return { kind: 'state', state: value };
}

export function interpretSdkReply(reply: SdkReply): InterpretedReply {
  if (reply.kind === 'state') return checkState(reply.state);
  const at = reply.message.indexOf(OUT_OF_PROC_DATA_MARKER);
  if (at < 0) return { kind: 'failed', message: reply.message };
  try {
    return checkState(JSON.parse(reply.message.slice(at + OUT_OF_PROC_DATA_MARKER.length)));
  } catch {
    return { kind: 'failed', message: reply.message };
  }
}
