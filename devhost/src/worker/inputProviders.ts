/**
 * Providers for non-trigger input bindings (e.g. `durableClient`), keyed by binding type
 * (case-insensitive). They belong to the host, so they survive app reloads.
 */
import { Disposable } from './disposable';
import type { InputBindingProvider } from './types';

export class InputProviderRegistry {
  readonly #providers = new Map<string, InputBindingProvider>();

  register(bindingType: string, provider: InputBindingProvider): Disposable {
    const key = bindingType.toLowerCase();
    if (this.#providers.has(key)) {
      throw new Error(`An input provider for binding type '${bindingType}' is already registered.`);
    }
    this.#providers.set(key, provider);
    return new Disposable(() => {
      if (this.#providers.get(key) === provider) this.#providers.delete(key);
    });
  }

  get(bindingType: string): InputBindingProvider | undefined {
    return this.#providers.get(bindingType.toLowerCase());
  }

  types(): string[] {
    return [...this.#providers.keys()];
  }
}
