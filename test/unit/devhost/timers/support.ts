/**
 * Test support for the timer plugin: registered-function builders and a recording stand-in for the
 * worker seam's app handle.
 */
import type { Clock } from '../../../../devhost/src/clock/clock';
import type { TimerApp } from '../../../../devhost/src/timers/timerTriggerServer';
import type { TimerInfoJson, TimerLogger } from '../../../../devhost/src/timers/timerListener';
import type {
  InvocationOutcome,
  InvocationRequest,
  RegisteredFunction,
  RpcBindingInfo,
} from '../../../../devhost/src/worker/types';

export function timerFunction(
  name: string,
  trigger: Record<string, unknown>,
  retryOptions?: Record<string, unknown>,
): RegisteredFunction {
  const binding: RpcBindingInfo = {
    type: 'timerTrigger',
    direction: 'in',
    name: 'timerTrigger1',
    ...trigger,
  };
  return {
    name,
    metadata: { name, bindings: { timerTrigger1: binding }, ...(retryOptions && { retryOptions }) },
    triggerBindingName: 'timerTrigger1',
    trigger: binding,
  };
}

export interface Invocation {
  functionName: string;
  at: number;
  timer: TimerInfoJson;
  request: InvocationRequest;
}

export class RecordingApp implements TimerApp {
  readonly invocations: Invocation[] = [];
  /** Decides each outcome; success by default. */
  behaviour: (request: InvocationRequest) => Promise<'success' | Error> | 'success' | Error = () => 'success';

  constructor(
    readonly directory: string,
    readonly clock: Clock,
    private readonly registered: RegisteredFunction[],
  ) {}

  functions(): RegisteredFunction[] {
    return this.registered;
  }

  async invoke(request: InvocationRequest): Promise<InvocationOutcome> {
    const json = request.triggerData.json;
    if (json === undefined) throw new Error('timer input must be JSON');
    this.invocations.push({
      functionName: request.functionName,
      at: this.clock.now(),
      timer: JSON.parse(json) as TimerInfoJson,
      request,
    });
    const result = await this.behaviour(request);
    const invocationId = `inv-${this.invocations.length}`;
    return result === 'success'
      ? { status: 'success', invocationId, outputData: [], durationMs: 0 }
      : { status: 'failure', invocationId, error: result, durationMs: 0 };
  }
}

export interface CapturedLog {
  level: string;
  message: string;
}

export function captureLogger(): TimerLogger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at =
    (level: string) =>
    (message: string): void => {
      lines.push({ level, message });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
