/**
 * The entity function's protocol: the trigger payload the SDK receives for a batch (EXT
 * `EntityTriggerAttributeBindingProvider.EntityContextToString`; docs/protocol.md §7) and the
 * reply it returns (`EntityState`, read as EXT `TaskEntityShim.OutOfProcResult`;
 * docs/protocol.md §8). Pure.
 */
import type { RequestMessage } from '../../protocol/entityMessages';

export interface EntityTriggerPayload {
  self: { name: string; key: string };
  exists: boolean;
  /** User state as JSON text, or null. */
  state: string | null;
  batch: { name: string; input: string | null; isSignal: boolean }[];
}

export function buildEntityTrigger(
  self: { name: string; key: string },
  exists: boolean,
  state: string | undefined,
  operations: readonly RequestMessage[],
): EntityTriggerPayload {
  return {
    self,
    exists,
    state: state ?? null,
    batch: operations.map((op) => ({
      name: op.op ?? '',
      input: op.input ?? null,
      isSignal: op.signal === true,
    })),
  };
}

export interface EntityOperationResult {
  isError: boolean;
  /** JSON text of the returned value or of the error; undefined when the operation returned nothing. */
  result: string | undefined;
  durationMs: number;
}

export interface EntitySignal {
  target: { name: string; key: string };
  name: string;
  input: string | undefined;
}

export interface EntityReply {
  entityExists: boolean;
  entityState: string | undefined;
  results: EntityOperationResult[];
  signals: EntitySignal[];
}

/** The reply is not what the protocol allows; the extension aborts the batch and retries it. */
class EntityReplyError extends Error {
  override readonly name = 'EntityReplyError';
}

/** Reads the SDK's reply. Extra results are ignored, as the extension reads only one per batch item. */
export function parseEntityReply(value: unknown, batchSize: number): EntityReply {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EntityReplyError('Out of proc orchestrators must return a valid JSON schema.');
  }
  const raw = value as Record<string, unknown>;
  const results = Array.isArray(raw.results) ? raw.results : [];
  if (results.length < batchSize) {
    throw new EntityReplyError(
      `The entity function returned ${results.length} result(s) for a batch of ${batchSize} operation(s); ` +
        'every operation needs exactly one.',
    );
  }
  return {
    entityExists: raw.entityExists === true,
    entityState: optionalString(raw.entityState, 'entityState'),
    results: results.slice(0, batchSize).map((entry: unknown, index) => {
      const result = (entry ?? {}) as Record<string, unknown>;
      return {
        isError: result.isError === true,
        result: optionalString(result.result, `results[${index}].result`),
        durationMs: typeof result.duration === 'number' ? result.duration : 0,
      };
    }),
    signals: (Array.isArray(raw.signals) ? raw.signals : []).map((entry: unknown, index) => {
      const signal = (entry ?? {}) as Record<string, unknown>;
      const target = (signal.target ?? {}) as Record<string, unknown>;
      if (typeof target.name !== 'string' || target.name === '' || typeof target.key !== 'string') {
        throw new EntityReplyError(`signals[${index}].target must be an entity id with a name and a key.`);
      }
      if (typeof signal.name !== 'string')
        throw new EntityReplyError(`signals[${index}].name must be a string.`);
      return {
        target: { name: target.name, key: target.key },
        name: signal.name,
        input: optionalString(signal.input, `signals[${index}].input`),
      };
    }),
  };
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new EntityReplyError(`${field} must be JSON text (a string).`);
  return value;
}
