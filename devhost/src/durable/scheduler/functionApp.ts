/**
 * What the durable scheduler needs from the loaded function app: its function table and the one
 * way to run a function. The worker seam's `FunctionAppHandle` satisfies it.
 */
import type { InvocationOutcome, InvocationRequest, RegisteredFunction } from '../../worker/types';

export interface DurableFunctionApp {
  functions(): RegisteredFunction[];
  invoke(request: InvocationRequest): Promise<InvocationOutcome>;
}

export type DurableTriggerType = 'orchestrationTrigger' | 'activityTrigger' | 'entityTrigger';

/** Finds a function by name, case-insensitively as the extension's `FunctionName` compares. */
export function findDurableFunction(
  app: DurableFunctionApp,
  triggerType: DurableTriggerType,
  name: string,
): RegisteredFunction | undefined {
  const wanted = name.toLowerCase();
  return app.functions().find((fn) => isTrigger(fn, triggerType) && fn.name.toLowerCase() === wanted);
}

export function durableFunctionNames(app: DurableFunctionApp, triggerType: DurableTriggerType): Set<string> {
  return new Set(
    app
      .functions()
      .filter((fn) => isTrigger(fn, triggerType))
      .map((fn) => fn.name),
  );
}

function isTrigger(fn: RegisteredFunction, triggerType: DurableTriggerType): boolean {
  return fn.trigger.type.toLowerCase() === triggerType.toLowerCase();
}
