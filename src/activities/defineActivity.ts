import { type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { type z } from 'zod';
import { parseOrThrow } from '../domain/validation';

/** A task whose result type is known, so `yield*` hands the orchestrator a typed value. */
export interface TypedTask<O> extends df.Task {
  readonly __result?: O;
}

export interface Activity<I, O> {
  readonly name: string;
  /** Schedules the activity; use `yield* result(task)` or `yield* all(tasks)` to await it. */
  call(context: df.OrchestrationContext, input: I, retry?: df.RetryOptions): TypedTask<O>;
  /** Schedules and awaits in one step: `const r = yield* Activity.run(context, input)`. */
  run(context: df.OrchestrationContext, input: I, retry?: df.RetryOptions): Generator<df.Task, O, unknown>;
  /** The handler with input parsing, for tests and for composition. */
  invoke(input: unknown, context: InvocationContext): Promise<O>;
}

/**
 * Registers an activity whose input is parsed with its schema before the handler sees it
 * (an activity can be handed anything through history), and returns its typed caller.
 */
export function defineActivity<S extends z.ZodType, O>(definition: {
  name: string;
  input: S;
  handler: (input: z.output<S>, context: InvocationContext) => Promise<O>;
}): Activity<z.input<S>, O> {
  const { name, input: schema, handler } = definition;
  // A bad input is a rejected promise like any other activity failure, never a synchronous throw.
  const invoke = (raw: unknown, context: InvocationContext): Promise<O> =>
    Promise.resolve().then(() => handler(parseOrThrow(schema, raw, `${name} input`), context));
  df.app.activity(name, { handler: invoke });
  const call = (
    context: df.OrchestrationContext,
    input: z.input<S>,
    retry?: df.RetryOptions,
  ): TypedTask<O> =>
    retry ? context.df.callActivityWithRetry(name, retry, input) : context.df.callActivity(name, input);
  return {
    name,
    call,
    *run(context, input, retry) {
      return (yield call(context, input, retry)) as O;
    },
    invoke,
  };
}

/** Awaits one typed task. */
export function* result<O>(task: TypedTask<O>): Generator<df.Task, O, unknown> {
  return (yield task) as O;
}
