// Converts a JSON Schema to the subset node-llama-cpp turns into a GBNF grammar. Outputs of the
// converted schema always parse as JSON; keywords the grammar cannot enforce are listed, not kept.
import { ConfigError, type JsonSchema } from '@worldloop/spec';
import type { GbnfJsonSchema } from 'node-llama-cpp';

/** A schema node-llama-cpp can compile, and what of the original it could not enforce. */
export interface GrammarJsonSchema {
  readonly schema: GbnfJsonSchema;
  /** Keywords dropped because the grammar cannot enforce them (`minimum`, `pattern`, ...), sorted. */
  readonly unenforcedKeywords: readonly string[];
}

/**
 * Rewrites `schema` into node-llama-cpp's grammar schema subset.
 *
 * What changes: `anyOf` becomes `oneOf`; `type` lists with objects or arrays become `oneOf`;
 * `definitions` / `#/definitions/...` become `$defs` / `#/$defs/...`; an object without
 * `properties` or `additionalProperties` accepts any object, and `{}` / `true` accept any JSON
 * value (node-llama-cpp would read both as "empty"). Caveats of the grammar itself: every
 * listed property is generated (optional ones too, which still validates) and no property
 * beyond them unless `additionalProperties` says so. Unenforceable keywords (numeric bounds,
 * `pattern`, `format`s other than date and time, `uniqueItems`, ...) are dropped and reported.
 * Throws `ConfigError` for a schema nothing can satisfy (`false`).
 */
export function toGrammarJsonSchema(schema: JsonSchema | boolean): GrammarJsonSchema {
  const unenforced = new Set<string>();
  const root = typeof schema === 'object' && schema !== null ? schema : {};
  const definitions = { ...asRecord(root['definitions']), ...asRecord(root['$defs']) };
  const converted = convert(schema, unenforced, '#');
  const convertedDefinitions: Record<string, GbnfJsonSchema> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    convertedDefinitions[name] = convert(definition, unenforced, `#/$defs/${name}`);
  }
  const result: GbnfJsonSchema =
    Object.keys(convertedDefinitions).length === 0 ? converted : ({ oneOf: [converted], $defs: convertedDefinitions } as GbnfJsonSchema);
  return { schema: result, unenforcedKeywords: [...unenforced].sort() };
}

/** Keywords that describe rather than constrain: dropped silently. */
const ANNOTATIONS = new Set([
  '$schema', '$id', '$comment', '$defs', 'definitions', 'title', 'description', 'default', 'examples',
  'deprecated', 'readOnly', 'writeOnly', 'required', 'additionalProperties', 'properties', 'items',
  'prefixItems', 'type', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', '$ref', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'format', 'nullable',
]);
const GRAMMAR_FORMATS = new Set(['date-time', 'time', 'date']);
const PRIMITIVE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
// zod writes these bounds on every integer; they say nothing a JSON number does not already.
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

const ANY_VALUE: GbnfJsonSchema = {
  oneOf: [
    { type: ['string', 'number', 'boolean', 'null'] },
    { type: 'object', additionalProperties: true },
    { type: 'array' },
  ],
};

type Literal = string | number | boolean | null;

function convert(node: unknown, unenforced: Set<string>, path: string): GbnfJsonSchema {
  if (node === true || node === undefined) return ANY_VALUE;
  if (node === false) throw new ConfigError(`JSON Schema at ${path} is \`false\`: no value can satisfy it, so no grammar can be built`);
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new ConfigError(`JSON Schema at ${path} must be an object or a boolean, got ${JSON.stringify(node)}`);
  }
  const schema = node as Record<string, unknown>;
  for (const key of Object.keys(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    const value = schema[key];
    if ((key === 'minimum' || key === 'maximum') && typeof value === 'number' && SAFE_INTEGER_BOUNDS.has(value)) continue;
    unenforced.add(key);
  }
  const description = typeof schema['description'] === 'string' ? { description: schema['description'] } : {};

  if (typeof schema['$ref'] === 'string') {
    const reference = schema['$ref'];
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(reference);
    if (match) return { $ref: `#/$defs/${match[1]}`, ...description } as GbnfJsonSchema;
    unenforced.add('$ref');
    return ANY_VALUE;
  }
  if ('const' in schema) {
    if (isLiteral(schema['const'])) return { const: schema['const'], ...description };
    unenforced.add('const');
    return ANY_VALUE;
  }
  if (Array.isArray(schema['enum'])) {
    const literals = schema['enum'].filter(isLiteral);
    if (literals.length < schema['enum'].length) unenforced.add('enum');
    if (literals.length > 0) return { enum: literals, ...description };
    return ANY_VALUE;
  }
  const alternatives = (Array.isArray(schema['oneOf']) ? schema['oneOf'] : Array.isArray(schema['anyOf']) ? schema['anyOf'] : undefined) as unknown[] | undefined;
  if (alternatives) {
    if (alternatives.length === 0) throw new ConfigError(`JSON Schema at ${path} has an empty oneOf/anyOf: no value can satisfy it`);
    return { oneOf: alternatives.map((alternative, index) => convert(alternative, unenforced, `${path}/oneOf/${index}`)), ...description } as GbnfJsonSchema;
  }
  if (Array.isArray(schema['allOf'])) {
    const { allOf, ...rest } = schema;
    return convert(mergeAll([rest, ...(allOf as unknown[])], unenforced), unenforced, path);
  }

  const types = Array.isArray(schema['type']) ? (schema['type'] as unknown[]) : schema['type'] === undefined ? undefined : [schema['type']];
  if (types === undefined) {
    if (schema['properties'] !== undefined || schema['additionalProperties'] !== undefined) return convertTyped('object', schema, unenforced, path);
    if (schema['items'] !== undefined || schema['prefixItems'] !== undefined) return convertTyped('array', schema, unenforced, path);
    return ANY_VALUE;
  }
  if (types.length === 0) throw new ConfigError(`JSON Schema at ${path} has an empty type list: no value can satisfy it`);
  for (const type of types) {
    if (typeof type !== 'string' || (!PRIMITIVE_TYPES.has(type) && type !== 'object' && type !== 'array')) {
      throw new ConfigError(`JSON Schema at ${path} has an unknown type ${JSON.stringify(type)}`);
    }
  }
  if (types.length === 1) return convertTyped(types[0] as string, schema, unenforced, path);
  if (types.every((type) => PRIMITIVE_TYPES.has(type as string)) && schema['format'] === undefined && schema['minLength'] === undefined && schema['maxLength'] === undefined) {
    return { type: types as ('string' | 'number' | 'integer' | 'boolean' | 'null')[], ...description };
  }
  return { oneOf: types.map((type) => convertTyped(type as string, schema, unenforced, path)), ...description } as GbnfJsonSchema;
}

function convertTyped(type: string, schema: Record<string, unknown>, unenforced: Set<string>, path: string): GbnfJsonSchema {
  const description = typeof schema['description'] === 'string' ? { description: schema['description'] } : {};
  switch (type) {
    case 'string': {
      const format = schema['format'];
      if (typeof format === 'string' && GRAMMAR_FORMATS.has(format)) return { type: 'string', format: format as 'date-time' | 'time' | 'date', ...description };
      if (format !== undefined) unenforced.add('format');
      return { type: 'string', ...lengthBounds(schema, 'minLength', 'maxLength'), ...description };
    }
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return { type, ...description };
    case 'object': {
      const properties: Record<string, GbnfJsonSchema> = {};
      for (const [name, property] of Object.entries(asRecord(schema['properties']))) {
        properties[name] = convert(property, unenforced, `${path}/properties/${name}`);
      }
      const hasProperties = Object.keys(properties).length > 0;
      const additional = schema['additionalProperties'];
      const additionalProperties =
        additional === undefined ? !hasProperties : typeof additional === 'boolean' ? additional : convert(additional, unenforced, `${path}/additionalProperties`);
      return {
        type: 'object',
        properties,
        additionalProperties,
        ...(additionalProperties === false ? {} : lengthBounds(schema, 'minProperties', 'maxProperties')),
        ...description,
      } as GbnfJsonSchema;
    }
    case 'array': {
      const items = schema['items'];
      const prefix = Array.isArray(items) ? items : Array.isArray(schema['prefixItems']) ? (schema['prefixItems'] as unknown[]) : undefined;
      const rest = Array.isArray(items) ? schema['additionalItems'] : items;
      return {
        type: 'array',
        ...(prefix ? { prefixItems: prefix.map((item, index) => convert(item, unenforced, `${path}/prefixItems/${index}`)) } : {}),
        ...(rest === undefined || rest === true ? {} : rest === false ? { maxItems: prefix?.length ?? 0 } : { items: convert(rest, unenforced, `${path}/items`) }),
        ...lengthBounds(schema, 'minItems', 'maxItems'),
        ...description,
      } as GbnfJsonSchema;
    }
    default:
      throw new ConfigError(`JSON Schema at ${path} has an unknown type ${JSON.stringify(type)}`);
  }
}

function lengthBounds(schema: Record<string, unknown>, minimumKey: string, maximumKey: string): Record<string, number> {
  const bounds: Record<string, number> = {};
  for (const key of [minimumKey, maximumKey]) {
    const value = schema[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) bounds[key] = value;
  }
  return bounds;
}

/** `allOf` of object schemas: properties united, the first definition of each keyword kept. */
function mergeAll(parts: unknown[], unenforced: Set<string>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    for (const [key, value] of Object.entries(part as Record<string, unknown>)) {
      if (key === 'properties') Object.assign(properties, asRecord(value));
      else if (key === 'allOf') Object.assign(merged, mergeAll(value as unknown[], unenforced));
      else if (!(key in merged)) merged[key] = value;
      else if (JSON.stringify(merged[key]) !== JSON.stringify(value) && key !== 'required') unenforced.add('allOf');
    }
  }
  if (Object.keys(properties).length > 0) merged['properties'] = properties;
  return merged;
}

function isLiteral(value: unknown): value is Literal {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
