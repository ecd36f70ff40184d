// The JSON a request asks of the model: a tool call `{"name", "arguments"}`, a final answer
// `{"answer"}`, or a document matching `responseSchema`; the schema for the grammar, the prompt
// text that explains it, and how the generated text maps back to text and tool calls.
import { ConfigError, embedJsonSchema, type GenerateRequest, type JsonSchema, type ModelToolCall, type ToolDefinition } from '@worldloop/spec';

/** What was read from a generated text. */
export interface ReadResponse {
  readonly text: string;
  readonly toolCalls: readonly ModelToolCall[];
  /** False when the text is not the complete JSON the format asked for (cut by `maxTokens` or a stop string). */
  readonly complete: boolean;
}

/**
 * The structured output of one request, or none (`ResponseFormat.forRequest` returns undefined
 * for free text). With tools (and `toolChoice` not `none`) the model answers with exactly one
 * JSON object: `{"name": tool, "arguments": {...}}`, one alternative per allowed tool, plus
 * `{"answer": ...}` when `toolChoice` is `auto`: its value follows `responseSchema` and comes
 * back as JSON text, as without tools; without `responseSchema` it is a string, returned as is.
 * Without tools, `responseSchema` is the whole output. One tool call per generation. The `$defs`
 * (or `definitions`) of a tool's schema and of an embedded `responseSchema` move to the root of
 * the combined schema, renamed per schema, so their `$ref`s still resolve.
 */
export class ResponseFormat {
  /** JSON Schema of the whole output, for the grammar. */
  readonly schema: JsonSchema;
  /** Text appended to the system prompt that lists the tools and the reply format; absent without tools. */
  readonly instructions: string | undefined;

  private constructor(
    schema: JsonSchema,
    instructions: string | undefined,
    private readonly tools: ReadonlyMap<string, ToolDefinition>,
    private readonly answerIsJson: boolean,
  ) {
    this.schema = schema;
    this.instructions = instructions;
  }

  /** The format a request asks for; undefined for free text. Throws `ConfigError` for a `toolChoice` naming an unknown tool. */
  static forRequest(request: GenerateRequest): ResponseFormat | undefined {
    const tools = request.toolChoice === 'none' ? [] : (request.tools ?? []);
    const choice = request.toolChoice ?? 'auto';
    if (tools.length === 0) {
      if (choice === 'required' || typeof choice === 'object') {
        throw new ConfigError(`toolChoice ${JSON.stringify(choice)} needs tools, but the request has none`);
      }
      return request.responseSchema === undefined ? undefined : new ResponseFormat(request.responseSchema, undefined, new Map(), true);
    }
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    if (byName.size < tools.length) throw new ConfigError(`Tool names must be unique: ${tools.map((tool) => tool.name).join(', ')}`);
    let offered = tools;
    if (typeof choice === 'object') {
      const chosen = byName.get(choice.name);
      if (!chosen) throw new ConfigError(`toolChoice names ${JSON.stringify(choice.name)}, which is not among the tools: ${[...byName.keys()].join(', ')}`);
      offered = [chosen];
    }
    const allowAnswer = choice === 'auto';
    // Each embedded schema's `#/$defs/...` refs meant its own root: its definitions move to this root.
    const definitions: Record<string, JsonSchema> = {};
    const alternatives: JsonSchema[] = offered.map((tool, index) => ({
      type: 'object',
      properties: { name: { const: tool.name }, arguments: embedJsonSchema(tool.decodingParameters ?? tool.parameters, `tool${index}_`, definitions) },
      required: ['name', 'arguments'],
      additionalProperties: false,
    }));
    if (allowAnswer) {
      alternatives.push({
        type: 'object',
        properties: { answer: request.responseSchema === undefined ? { type: 'string' } : embedJsonSchema(request.responseSchema, 'answer_', definitions) },
        required: ['answer'],
        additionalProperties: false,
      });
    }
    const root: JsonSchema = alternatives.length === 1 ? alternatives[0]! : { oneOf: alternatives };
    const schema: JsonSchema = Object.keys(definitions).length === 0 ? root : { ...root, $defs: definitions };
    return new ResponseFormat(schema, describeTools(offered, allowAnswer), new Map(offered.map((tool) => [tool.name, tool])), request.responseSchema !== undefined);
  }

  /** Maps generated text to the result's text and tool calls; `createId` names each tool call. */
  read(generated: string, createId: () => string): ReadResponse {
    const text = generated.trim();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { text, toolCalls: [], complete: false };
    }
    if (this.tools.size === 0) return { text, toolCalls: [], complete: true };
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const object = parsed as Record<string, unknown>;
      if (typeof object['name'] === 'string' && this.tools.has(object['name'])) {
        return { text: '', toolCalls: [{ id: createId(), name: object['name'], arguments: object['arguments'] ?? {} }], complete: true };
      }
      if ('answer' in object) {
        const answer = object['answer'];
        return { text: this.answerIsJson || typeof answer !== 'string' ? JSON.stringify(answer) : answer, toolCalls: [], complete: true };
      }
    }
    // Only reachable when a caller bypasses the grammar: keep the text, report it incomplete.
    return { text, toolCalls: [], complete: false };
  }
}

function describeTools(tools: readonly ToolDefinition[], allowAnswer: boolean): string {
  const lines = ['Tools you can call:'];
  for (const tool of tools) {
    lines.push(`- ${tool.name}: ${tool.description}`, `  arguments: ${JSON.stringify(tool.parameters)}`);
  }
  lines.push(
    allowAnswer
      ? 'Reply with exactly one JSON object: {"name": "<tool>", "arguments": {...}} to call a tool, or {"answer": ...} to reply without one.'
      : 'Reply with exactly one JSON object: {"name": "<tool>", "arguments": {...}}.',
  );
  return lines.join('\n');
}
