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
