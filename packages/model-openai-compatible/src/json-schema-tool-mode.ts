// Tool calling without the server's tool parser: tools in the system prompt, output constrained to
// anyOf [{"tool", "arguments"}..., {"text"}] with an enum per tool name (widely supported schema features), parsed back.
import { parseToolCallArguments, parseToolCallsFromText } from '@worldloop/core';
import { embedJsonSchema, type GenerateRequest, type JsonSchema, type ModelToolCall, type ToolDefinition } from '@worldloop/spec';

/** The name given to the response format in json-schema tool mode. */
export const toolCallResponseSchemaName = 'tool_call_or_text';

/**
 * The JSON Schema a json-schema-mode reply must match: one branch per callable tool
 * (`{"tool": name, "arguments": <its parameters>}`) and, unless a tool is required, a final-answer
 * branch: `{"text": string}`, or `{"response": <responseSchema>}` when the request has one.
 */
export function toolCallResponseSchema(
  tools: readonly ToolDefinition[],
  toolChoice: GenerateRequest['toolChoice'] = 'auto',
  responseSchema?: JsonSchema,
): JsonSchema {
  const callable = callableTools(tools, toolChoice);
  // Each tool's `$defs` move to the root, renamed, so its `#/$defs/...` refs resolve (servers compile
  // the schema to a grammar from the root; a ref left dangling fails or matches anything).
  const definitions: Record<string, JsonSchema> = {};
  const branches: JsonSchema[] = callable.map((tool, index) => ({
    type: 'object',
    properties: { tool: { type: 'string', enum: [tool.name] }, arguments: embedJsonSchema(tool.decodingParameters ?? tool.parameters, `tool${index}_`, definitions) },
    required: ['tool', 'arguments'],
    additionalProperties: false,
  }));
  if (toolChoice === 'auto' || toolChoice === 'none' || branches.length === 0) {
    branches.push(
      responseSchema
        ? { type: 'object', properties: { response: embedJsonSchema(responseSchema, 'response_', definitions) }, required: ['response'], additionalProperties: false }
        : { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
    );
  }
  const root = branches.length === 1 ? branches[0]! : { anyOf: branches };
  return Object.keys(definitions).length === 0 ? root : { ...root, $defs: definitions };
}

/**
 * The instructions that tell the model which tools exist and how to reply, appended to the system
 * prompt. They depend only on the tools, so the prompt prefix stays stable across steps.
 */
export function toolCallInstructions(
  tools: readonly ToolDefinition[],
  toolChoice: GenerateRequest['toolChoice'] = 'auto',
  responseSchema?: JsonSchema,
): string {
  const callable = callableTools(tools, toolChoice);
  const lines = ['# Tools', '', 'You can call these tools:'];
  for (const tool of callable) {
    lines.push(`- ${tool.name}: ${tool.description}`, `  arguments (JSON Schema): ${JSON.stringify(tool.parameters)}`);
  }
  lines.push('', 'Reply with exactly one JSON object and nothing else.', 'To call a tool: {"tool": "<tool name>", "arguments": {...}}');
  if (toolChoice === 'auto' || toolChoice === 'none' || callable.length === 0) {
    lines.push(responseSchema ? 'To answer without a tool: {"response": <your answer>}' : 'To answer without a tool: {"text": "<your answer>"}');
  }
  return lines.join('\n');
}

/** What a json-schema-mode reply meant. */
export interface ParsedToolCallResponse {
  readonly text: string;
  readonly toolCalls: ModelToolCall[];
  readonly warnings: string[];
}

/**
 * Reads a json-schema-mode reply back: a `{"tool", "arguments"}` object becomes a tool call, `{"text"}`
 * becomes text, `{"response"}` becomes its JSON text. A reply that is not such JSON (a server that
 * ignored the schema) goes through the tolerant text parser, then is returned as text with a warning.
 */
export function parseToolCallResponse(content: string, toolNames: readonly string[], nextId: () => string): ParsedToolCallResponse {
  const warnings: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    value = undefined;
  }
  if (isRecord(value)) {
    if (typeof value.tool === 'string') {
      const parsed = parseToolCallArguments(value.arguments, value.tool);
      warnings.push(...parsed.warnings);
      if (!toolNames.includes(value.tool)) {
        warnings.push(`Tool ${JSON.stringify(value.tool)} is not one of the offered tools (${toolNames.join(', ')}); kept as called.`);
      }
      return { text: '', toolCalls: [{ id: nextId(), name: value.tool, arguments: parsed.value }], warnings };
    }
    if (typeof value.text === 'string') return { text: value.text, toolCalls: [], warnings };
    if ('response' in value) return { text: JSON.stringify(value.response), toolCalls: [], warnings };
  }
  const recovered = parseToolCallsFromText(content, toolNames);
  if (recovered.toolCalls.length > 0) {
    warnings.push('The json-schema-mode reply did not match the schema; tool calls recovered from its text.', ...recovered.warnings);
    return { text: recovered.remainingText, toolCalls: recovered.toolCalls.map((call) => ({ ...call, id: nextId() })), warnings };
  }
  warnings.push('The json-schema-mode reply was not the JSON the schema asks for (does the server enforce response_format?); returned as text.');
  return { text: content, toolCalls: [], warnings };
}

function callableTools(tools: readonly ToolDefinition[], toolChoice: GenerateRequest['toolChoice']): readonly ToolDefinition[] {
  if (toolChoice === 'none') return [];
  if (typeof toolChoice === 'object') return tools.filter((tool) => tool.name === toolChoice.name);
  return tools;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
