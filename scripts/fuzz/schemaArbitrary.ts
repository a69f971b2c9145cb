/**
 * fast-check arbitraries derived from the app's zod schemas, through their JSON Schema
 * (`z.toJSONSchema`): the same description the OpenAPI document is built from. Refinements JSON
 * Schema cannot say (two decimals, unique ids in a list) are met by construction where cheap and
 * checked by the schema itself at the end, so every value produced is valid.
 */
import fc from 'fast-check';
import { z } from 'zod';

/** The part of JSON Schema (draft 2020-12) that zod emits for the app's schemas. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
}

export interface SchemaArbitraryOptions {
  /** Arbitraries that replace a property's, by property name (e.g. `productId` from the catalog). */
  overrides?: Record<string, fc.Arbitrary<unknown>>;
  /** Most elements in a generated array (the schema's own maximum may be thousands). */
  maxArrayLength?: number;
}

/** Valid values of `schema`: generated from its JSON Schema, kept only if the schema accepts them. */
export function validValues<S extends z.ZodType>(
  schema: S,
  options: SchemaArbitraryOptions = {},
): fc.Arbitrary<z.input<S>> {
  const json = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return fromJsonSchema(json, options).filter((value) => schema.safeParse(value).success) as fc.Arbitrary<
    z.input<S>
  >;
}

function fromJsonSchema(schema: JsonSchema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => fromJsonSchema(s, options)));
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string'];
  if (types.length > 1) return fc.oneof(...types.map((type) => fromJsonSchema({ ...schema, type }, options)));
  switch (types[0]) {
    case 'object':
      return objectOf(schema, options);
    case 'array': {
      const cap = options.maxArrayLength ?? 3;
      const minLength = schema.minItems ?? 0;
      return fc.array(fromJsonSchema(schema.items ?? {}, options), {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? cap, cap)),
      });
    }
    case 'integer':
      return fc.integer({
        min: Math.ceil(schema.minimum ?? (schema.exclusiveMinimum ?? -1_000_001) + 1),
        max: Math.floor(schema.maximum ?? (schema.exclusiveMaximum ?? 1_000_001) - 1),
      });
    case 'number':
      // Amounts in cents, so the two-decimals refinement holds.
      return fc
        .integer({
          min: Math.ceil((schema.minimum ?? (schema.exclusiveMinimum ?? -1_000_000) + 0.01) * 100),
          max: Math.floor((schema.maximum ?? (schema.exclusiveMaximum ?? 1_000_000) - 0.01) * 100),
        })
        .map((cents) => cents / 100);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return stringOf(schema);
  }
}

function objectOf(schema: JsonSchema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
    return fc.dictionary(
      fc.string({ minLength: 1, maxLength: 10 }),
      fromJsonSchema(schema.additionalProperties, options),
      {
        maxKeys: 3,
      },
    );
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    model[name] = options.overrides?.[name] ?? fromJsonSchema(property, options);
  }
  return fc.record(model, { requiredKeys: schema.required ?? [] });
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 80);
  if (schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((text) => text.length >= minLength && text.length <= maxLength);
  }
  return fc.string({ minLength: Math.max(minLength, 1), maxLength });
}
