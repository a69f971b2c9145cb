/**
 * Supplies the `durableClient` input binding (and its legacy alias `orchestrationClient`) to every
 * invocation, as the JSON string the extension sends; `@azure/functions` parses it into the object
 * `df.getClient(context)` reads.
 */
import type { InputBindingProvider } from '../../worker/types';
import type { DurableClientPayload } from './clientPayload';

export const DURABLE_CLIENT_BINDING_TYPES = ['durableClient', 'orchestrationClient'] as const;

export function createDurableClientInputProvider(payload: () => DurableClientPayload): InputBindingProvider {
  return () => ({ string: JSON.stringify(payload()) });
}

/** The part of the host's function app handle that takes input providers. */
export interface InputProviderHost {
  registerInputProvider(bindingType: string, provider: InputBindingProvider): { dispose(): unknown };
}

/** Registers the provider under both binding type names; the returned function undoes it. */
export function registerDurableClientInput(
  host: InputProviderHost,
  provider: InputBindingProvider,
): () => void {
  const registrations = DURABLE_CLIENT_BINDING_TYPES.map((type) =>
    host.registerInputProvider(type, provider),
  );
  return () => registrations.forEach((registration) => registration.dispose());
}
