// Puts a JSON Schema document inside another (a tool's parameters under a reply schema's branch):
// its `$defs` / `definitions` move to the outer document's root, renamed, and its refs follow, so
// grammar compilers and servers that resolve `#/$defs/...` from the root still find them.
import type { JsonSchema } from './json.js';

/**
 * `schema` made fit to sit inside another document: its `$defs` / `definitions` go into
 * `definitions` (to be set as the outer document's `$defs`) under `prefix` + name, and its refs to
 * them (or to places inside them), and to its own root (`#`), are rewritten to
 * `#/$defs/<prefix><name>...` (`<prefix>root`). Values of `const`, `enum`, `default` and `examples`
 * are data and left alone (a property merely named so is a schema); refs to anything else are kept
 * as they are.
 *
 * @example
 * const definitions = {};
 * const reply = { oneOf: tools.map((tool, index) => ({ properties: { arguments: embedJsonSchema(tool.parameters, `tool${index}_`, definitions) } })) };
 * const schema = { ...reply, $defs: definitions };
 */
export function embedJsonSchema(schema: JsonSchema, prefix: string, definitions: Record<string, JsonSchema>): JsonSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const own = { ...asSchemaRecord(schema['definitions']), ...asSchemaRecord(schema['$defs']) };
  let refersToRoot = false;
  const rewriteRef = (value: string): string => {
    if (value === '#') {
      refersToRoot = true;
      return `#/$defs/${escapePointer(`${prefix}root`)}`;
    }
    // A ref to a definition, or to a place inside one (`#/$defs/Outer/$defs/Inner`, `.../properties/x`).
    const match = /^#\/(?:\$defs|definitions)\/([^/]+)(\/.*)?$/.exec(value);
    const name = match ? unescapePointer(match[1]!) : undefined;
    if (name === undefined || !Object.hasOwn(own, name)) return value;
    return `#/$defs/${escapePointer(`${prefix}${name}`)}${match![2] ?? ''}`;
  };
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (typeof node !== 'object' || node === null) return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') copy[key] = rewriteRef(value);
      else if (dataKeywords.has(key)) copy[key] = value;
      else if (namedSchemaKeywords.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        // Keys here are names (a property may be called `default` or `const`); every value is a schema.
        copy[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, rewrite(schema)]));
      } else copy[key] = rewrite(value);
    }
    return copy;
  };
  const { $defs: _defs, definitions: _definitions, ...body } = schema;
  const rewritten = rewrite(body) as JsonSchema;
  for (const [name, definition] of Object.entries(own)) definitions[`${prefix}${name}`] = rewrite(definition) as JsonSchema;
  if (refersToRoot) definitions[`${prefix}root`] = rewritten;
  return rewritten;
}

/** Keywords whose values are data, not schemas: refs in them are left alone. */
const dataKeywords = new Set(['const', 'enum', 'default', 'examples']);
/** Keywords whose values map names (which may look like keywords) to schemas. */
const namedSchemaKeywords = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies']);

/** A name as a JSON Pointer segment (RFC 6901). */
function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** A JSON Pointer segment as the name it stands for; undefined for a malformed one. */
function unescapePointer(segment: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  return decoded.replaceAll('~1', '/').replaceAll('~0', '~');
}

function asSchemaRecord(value: unknown): Record<string, JsonSchema> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, JsonSchema>) : {};
}
