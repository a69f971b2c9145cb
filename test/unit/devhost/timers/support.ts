/**
 * Test support for the timer plugin: a minimal virtual clock (the engine's shared one may replace
 * it) and a recording stand-in for the worker seam's app handle.
 */
import type { Clock } from '../../../../devhost/durable/scheduler/clock';
import type { TimerApp } from '../../../../devhost/timers/timerTriggerServer';
import type { TimerInfoJson, TimerLogger } from '../../../../devhost/timers/timerListener';
import type {
  InvocationOutcome,
  InvocationRequest,
  RegisteredFunction,
  RpcBindingInfo,
} from '../../../../devhost/worker/types';

interface Entry {
  at: number;
  seq: number;
  callback: () => void;
}

/** Fires due callbacks in time order, letting settle hooks finish after each one. */
export class TestClock implements Clock {
  #now: number;
  #queue: Entry[] = [];
  #seq = 0;
  #hooks = new Set<() => Promise<void>>();

  constructor(start: string | number) {
    this.#now = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.#now;
  }

  schedule(at: number, callback: () => void): () => void {
    const entry = { at, seq: this.#seq++, callback };
    this.#queue.push(entry);
    return () => {
      this.#queue = this.#queue.filter((e) => e !== entry);
    };
  }

  onSettle(hook: () => Promise<void>): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  /** Time moves only here; a stopped host's timers simply stay unfired. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await this.settle();
    for (;;) {
      const due = this.#queue.filter((e) => e.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#queue = this.#queue.filter((e) => e !== due);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
      await this.settle();
    }
    this.#now = until;
    await this.settle();
  }

  async settle(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const hook of [...this.#hooks]) await hook();
  }

  pending(): number {
    return this.#queue.length;
  }
}

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
