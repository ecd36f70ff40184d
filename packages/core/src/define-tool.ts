// Declares a tool with its input type inferred from the zod schema.
import type { Tool } from '@worldloop/spec';
import type { z } from 'zod';

/**
 * Declares a tool; `execute` receives input typed and already validated by `inputSchema`.
 *
 * @example
 * const compass = defineTool({
 *   name: 'compass', description: 'Which way am I facing?',
 *   inputSchema: z.object({}), execute: () => 'east',
 * });
 */
export function defineTool<Schema extends z.ZodType, Output>(
  tool: Omit<Tool<z.infer<Schema>, Output>, 'inputSchema'> & { inputSchema: Schema },
): Tool<z.infer<Schema>, Output> {
  return tool as Tool<z.infer<Schema>, Output>;
}
