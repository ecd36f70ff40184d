// Puts a JSON Schema document inside another (a tool's parameters under a reply schema's branch):
// its `$defs` / `definitions` move to the outer document's root, renamed, and its refs follow, so
// grammar compilers and servers that resolve `#/$defs/...` from the root still find them.
import type { JsonSchema } from './json.js';

/**
 * `schema` made fit to sit inside another document: its `$defs` / `definitions` go into
 * `definitions` (to be set as the outer document's `$defs`) under `prefix` + name, and its refs to
 * them, and to its own root (`#`), are rewritten to `#/$defs/<prefix><name>` (`<prefix>root`).
 * Values of `const`, `enum`, `default` and `examples` are data and left alone; refs to anything
 * else are kept as they are.
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
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (typeof node !== 'object' || node === null) return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(value);
        if (match && match[1]! in own) copy[key] = `#/$defs/${prefix}${match[1]}`;
        else if (value === '#') {
          refersToRoot = true;
          copy[key] = `#/$defs/${prefix}root`;
        } else copy[key] = value;
      } else if (key === 'const' || key === 'enum' || key === 'default' || key === 'examples') copy[key] = value;
      else copy[key] = rewrite(value);
    }
    return copy;
  };
  const { $defs: _defs, definitions: _definitions, ...body } = schema;
  const rewritten = rewrite(body) as JsonSchema;
  for (const [name, definition] of Object.entries(own)) definitions[`${prefix}${name}`] = rewrite(definition) as JsonSchema;
  if (refersToRoot) definitions[`${prefix}root`] = rewritten;
  return rewritten;
}

function asSchemaRecord(value: unknown): Record<string, JsonSchema> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, JsonSchema>) : {};
}
