/**
 * App-level hooks registered through `@azure/functions-core` `registerHook`. They run in
 * registration order, each awaited; a throwing hook aborts the step, as in the worker.
 */
import { Disposable } from './disposable';

export const hookNames = ['preInvocation', 'postInvocation', 'appStart', 'appTerminate', 'log'] as const;
export type HookName = (typeof hookNames)[number];
export type HookCallback = (context: Record<string, unknown>) => unknown;

export class HookRegistry {
  readonly #hooks = new Map<HookName, HookCallback[]>();

  register(name: unknown, callback: unknown): Disposable {
    if (!hookNames.includes(name as HookName)) {
      throw new RangeError(`Unrecognized hook "${String(name)}". Valid hooks: ${hookNames.join(', ')}.`);
    }
    if (typeof callback !== 'function') {
      throw new TypeError(`registerHook('${String(name)}') needs a callback function.`);
    }
    const list = this.#hooks.get(name as HookName) ?? [];
    const cb = callback as HookCallback;
    list.push(cb);
    this.#hooks.set(name as HookName, list);
    return new Disposable(() => {
      const index = list.indexOf(cb);
      if (index >= 0) list.splice(index, 1);
    });
  }

  has(name: HookName): boolean {
    return (this.#hooks.get(name)?.length ?? 0) > 0;
  }

  async run(name: HookName, context: Record<string, unknown>): Promise<void> {
    // Copy: a hook may dispose itself (or register another) while the list runs.
    for (const callback of [...(this.#hooks.get(name) ?? [])]) {
      await callback(context);
    }
  }

  /** Log hooks are synchronous in the worker: a log line cannot wait. */
  runSync(name: HookName, context: Record<string, unknown>): void {
    for (const callback of [...(this.#hooks.get(name) ?? [])]) callback(context);
  }
}
