// A worldloop LanguageModel as a LangChain chat model, so LangChain code (createAgent, chains,
// withStructuredOutput) can run on any worldloop backend. Tools bound with `bindTools` (LangChain
// tools, OpenAI-style dicts, Runnables) are sent as JSON Schema tool definitions. Worldloop errors
// (ModelBackendError, AbortedError) propagate as they are. Returns AIMessageChunk messages (which
// pass `AIMessage.isInstance`), as LangChain's default structured-output parser expects.
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import type { GenerateRequest, JsonSchema, LanguageModel, SamplingParameters, ToolDefinition } from '@worldloop/spec';
import { fromLangChainMessages } from './from-langchain-messages.js';

/** Call options of a {@link WorldloopChatModel}: LangChain's, plus the bound tools. */
export interface WorldloopChatModelCallOptions extends BaseChatModelCallOptions {
  /** Tools the model may call (set by `bindTools`). */
  tools?: BindToolsInput[];
}

/** Options of a {@link WorldloopChatModel}. */
export interface WorldloopChatModelFields extends BaseChatModelParams {
  /** The worldloop model that answers. */
  readonly model: LanguageModel;
  /** Sampling parameters sent with every request (`stop` from call options is added). */
  readonly sampling?: SamplingParameters;
}

/**
 * A worldloop {@link LanguageModel} behind LangChain's `BaseChatModel`. `bindTools` returns a
 * runnable whose calls carry the tools; `tool_choice` maps to worldloop's `toolChoice` (`any` →
 * `required`, a tool name → that tool). The reply is an AI message with `tool_calls` (arguments that
 * were not a JSON object go to `invalid_tool_calls`), `usage_metadata` and `response_metadata`
 * (`finish_reason`, `warnings`). Streaming falls back to one chunk.
 *
 * @example
 * const agent = createAgent({ model: new WorldloopChatModel({ model }), tools: toLangChainTools(registry) });
 */
export class WorldloopChatModel extends BaseChatModel<WorldloopChatModelCallOptions, AIMessageChunk> {
  /** The wrapped worldloop model. */
  readonly model: LanguageModel;
  private readonly sampling: SamplingParameters;

  constructor(fields: WorldloopChatModelFields) {
    const { model, sampling, ...rest } = fields;
    super(rest);
    this.model = model;
    this.sampling = sampling ?? {};
  }

  /** `worldloop` (LangChain calls this during construction, before `model` is set). */
  _llmType(): string {
    return 'worldloop';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<WorldloopChatModelCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, WorldloopChatModelCallOptions> {
    return this.withConfig({ ...kwargs, tools: [...(kwargs?.tools ?? []), ...tools] });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], _runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const tools = (options.tools ?? []).map(toolDefinition);
    const toolChoice = worldloopToolChoice(options.tool_choice);
    const sampling: SamplingParameters = options.stop === undefined ? this.sampling : { ...this.sampling, stop: options.stop };
    const request: GenerateRequest = {
      messages: fromLangChainMessages(messages),
      ...(tools.length > 0 ? { tools } : {}),
      ...(toolChoice === undefined ? {} : { toolChoice }),
      ...(Object.keys(sampling).length > 0 ? { sampling } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const result = await this.model.generate(request);
    const toolCalls = result.toolCalls.filter((call) => isObject(call.arguments));
    const invalidToolCalls = result.toolCalls.filter((call) => !isObject(call.arguments));
    const message = new AIMessageChunk({
      content: result.text,
      tool_calls: toolCalls.map((call) => ({ id: call.id, name: call.name, args: call.arguments as Record<string, unknown>, type: 'tool_call' as const })),
      response_metadata: { finish_reason: result.finishReason, model_provider: this.model.provider, model_name: this.model.modelId, warnings: [...result.warnings] },
      ...(result.usage
        ? {
            usage_metadata: {
              input_tokens: result.usage.promptTokens,
              output_tokens: result.usage.completionTokens,
              total_tokens: result.usage.promptTokens + result.usage.completionTokens,
              ...(result.usage.cachedPromptTokens === undefined ? {} : { input_token_details: { cache_read: result.usage.cachedPromptTokens } }),
            },
          }
        : {}),
    });
    // AIMessageChunk's constructor drops invalid_tool_calls unless they come as chunks (whose lenient
    // JSON repair would hide the broken arguments), so they are set afterwards.
    message.invalid_tool_calls = invalidToolCalls.map((call) => ({
      id: call.id,
      name: call.name,
      args: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      error: 'Arguments are not a JSON object.',
      type: 'invalid_tool_call' as const,
    }));
    return {
      generations: [{ text: result.text, message }],
      llmOutput: result.usage ? { tokenUsage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens } } : {},
    };
  }
}

function toolDefinition(tool: BindToolsInput): ToolDefinition {
  const converted = convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]);
  // A function declared without parameters takes none: worldloop tools always have an object schema.
  const parameters = (converted.function.parameters as JsonSchema | undefined) ?? { type: 'object', properties: {} };
  return { name: converted.function.name, description: converted.function.description ?? '', parameters };
}

function worldloopToolChoice(choice: WorldloopChatModelCallOptions['tool_choice']): GenerateRequest['toolChoice'] {
  if (choice === undefined) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (choice === 'any') return 'required';
  if (typeof choice === 'string') return { name: choice };
  // Provider shapes: OpenAI's {type: 'function', function: {name}}, Anthropic's {type: 'auto' | 'any' | 'none' | 'tool', name}.
  const record = choice as { type?: unknown; function?: { name?: unknown }; name?: unknown };
  const name = record.function?.name ?? record.name;
  if (typeof name === 'string') return { name };
  if (record.type === 'auto' || record.type === 'none' || record.type === 'required') return record.type;
  return 'required';
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
