// Worldloop tools as LangChain tools (`tool()` from @langchain/core/tools, with each tool's zod
// schema). Calls run through the ToolRegistry, so access rules, permissions, validation and time
// limits apply; a failed call returns its error as the tool's string result instead of throwing.
// Permissions fail closed: without `access.permissions` no permission is held, so a tool that
// declares one is listed (its description says it is unavailable) and every call to it is refused.
// Caveat: LangChain validates arguments against the schema first and throws
// ToolInputParsingException on a mismatch (createAgent's ToolNode turns that into an error message).
// The registry is given the model's own arguments (from the tool call), not LangChain's parsed
// copy, so a schema that transforms its input is applied once; a direct `invoke(args)` without a
// tool call has only the parsed copy, so there a non-idempotent transform is applied twice.
import { tool, type DynamicStructuredTool } from '@langchain/core/tools';
import type { ToolAccess, ToolRegistry } from '@worldloop/core';
import { ConfigError } from '@worldloop/spec';

/**
 * One LangChain tool per registry tool the access lists (`registry.definitions(access)`). A
 * successful call returns the output as is when it is a string, else as JSON; a failure returns
 * `Error (<code>): <message>`, which the model reads and can correct. Grant the permissions the
 * tools need in `access.permissions`; none are held by default, so a tool that declares any
 * answers `Error (tool-denied): ...` (naming what is missing) until they are granted.
 *
 * @example
 * const agent = createAgent({ model, tools: toLangChainTools(registry, { permissions: ['world:read'] }) });
 */
export function toLangChainTools(registry: ToolRegistry, access: ToolAccess = {}): DynamicStructuredTool[] {
  return registry.definitions(access).map((definition) => {
    const registered = registry.get(definition.name);
    if (!registered) throw new ConfigError(`Tool ${JSON.stringify(definition.name)} is listed by the registry but not registered.`);
    return tool(
      async (input: unknown, config) => {
        // LangChain hands over its parsed (transformed) copy; the registry parses again, so give it the raw arguments.
        const args = config?.toolCall !== undefined ? config.toolCall.args : input;
        const result = await registry.call(definition.name, args, access, config?.signal ? { signal: config.signal } : {});
        if (!result.ok) return `Error (${result.error.code}): ${result.error.message}`;
        return typeof result.output === 'string' ? result.output : (JSON.stringify(result.output) ?? 'null');
      },
      { name: definition.name, description: definition.description, schema: registered.inputSchema },
    ) as unknown as DynamicStructuredTool;
  });
}
