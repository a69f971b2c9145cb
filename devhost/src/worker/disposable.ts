/** `Disposable` as `@azure/functions-core` exports it (VS Code style). */
export class Disposable {
  static from(...inputs: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const input of inputs) input.dispose();
    });
  }

  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): unknown {
    const callback = this.#callOnDispose;
    // Disposing twice is a no-op, as in the worker.
    this.#callOnDispose = undefined;
    return callback?.();
  }
}
