// A LangChain chat model (any BaseChatModel: ChatOpenAI, ChatAnthropic, ChatOllama, a fake) as a
// worldloop LanguageModel. Tools go through `bindTools` as JSON Schema function tools; only `stop`
// is a standard LangChain call option, so other sampling parameters come back as warnings unless
// `samplingCallOptions` maps them. responseSchema is not applied (warning). Failures of the chat
// model throw ModelBackendError (retryable on 429/5xx/rate limits); a fired signal throws AbortedError.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import {
  AbortedError,
  ModelBackendError,
  WorldloopError,
  type FinishReason,
  type GenerateRequest,
  type GenerateResult,
  type JsonValue,
  type LanguageModel,
  type ModelCapabilities,
  type ModelToolCall,
  type SamplingParameters,
  type TokenUsage,
} from '@worldloop/spec';
import { toLangChainMessages } from './to-langchain-messages.js';

/** LangChain call options (and warnings) for a request's sampling parameters. */
export interface SamplingCallOptions {
  /** Merged into the call options of `invoke` (provider-specific keys are fine). */
  readonly callOptions: Record<string, unknown>;
  /** Parameters the mapping could not apply. */
  readonly warnings?: readonly string[];
}

/** Options of a {@link LangChainModel}. */
export interface LangChainModelOptions {
  /** Default: the chat model's `model` / `modelName` field, else its `_llmType()`. */
  readonly modelId?: string;
  /**
   * Overrides of the declared capabilities. Defaults: tool calls when the chat model has `bindTools`,
   * images and context window from its `profile` (else no images, 8,192 tokens), no JSON schema, no logprobs.
   */
  readonly capabilities?: Partial<ModelCapabilities>;
  /**
   * Maps sampling parameters to call options of this provider. Default: `stop` becomes the standard
   * `stop` call option; every other parameter is reported as a warning (set it on the chat model).
   */
  readonly samplingCallOptions?: (sampling: SamplingParameters) => SamplingCallOptions;
}

/**
 * Any LangChain `BaseChatModel` behind the worldloop {@link LanguageModel} contract
 * (`provider: 'langchain'`). Messages map one for one (see `toLangChainMessages`); tool calls,
 * including LangChain's `invalid_tool_calls` (arguments kept as the raw string), come back as
 * `toolCalls`; usage comes from `usage_metadata`, the finish reason from `response_metadata`
 * (OpenAI, Anthropic, Google and Ollama spellings), and the AI message is kept as `raw`.
 *
 * @example
 * const model = new LangChainModel(new ChatOpenAI({ model: 'gpt-4o-mini', temperature: 0 }));
 * const policy = new LlmPolicy({ model });
 */
export class LangChainModel implements LanguageModel {
  readonly provider = 'langchain';
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  private readonly samplingCallOptions: (sampling: SamplingParameters) => SamplingCallOptions;
  /** Tool calls given an id here so far (the chat model sent none): ids stay unique across calls. */
  private unnamedToolCalls = 0;

  constructor(
    /** The wrapped chat model. */
    readonly chatModel: BaseChatModel,
    options: LangChainModelOptions = {},
  ) {
    this.modelId = options.modelId ?? defaultModelId(chatModel);
    const profile = chatModel.profile;
    this.capabilities = {
      toolCalls: typeof chatModel.bindTools === 'function',
      jsonSchema: false,
      logprobs: false,
      images: profile.imageInputs ?? false,
      contextTokens: profile.maxInputTokens ?? 8_192,
      ...options.capabilities,
    };
    this.samplingCallOptions = options.samplingCallOptions ?? standardSamplingCallOptions;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const warnings: string[] = [];
    const sampling = this.samplingCallOptions(request.sampling ?? {});
    warnings.push(...(sampling.warnings ?? []));
    if (request.logprobs !== undefined) warnings.push('logprobs are not returned through LangChainModel (ignored); ask the chat model for them on the LangChain side.');
    if (request.responseSchema !== undefined) {
      warnings.push('responseSchema is not applied by LangChainModel (ignored); use the chat model\'s withStructuredOutput on the LangChain side.');
    }
    const callOptions: Record<string, unknown> = { ...sampling.callOptions, ...(request.signal ? { signal: request.signal } : {}) };
    const startedAt = performance.now();
    if (request.signal?.aborted) throw new AbortedError('The model call was aborted.');
    let message: AIMessageChunk;
    try {
      const runnable = this.withTools(request, warnings);
      message = await untilAborted(runnable.invoke(toLangChainMessages(request.messages), callOptions), request.signal);
    } catch (error) {
      if (request.signal?.aborted) throw new AbortedError('The model call was aborted.', { cause: error });
      if (error instanceof WorldloopError) throw error;
      const status = errorStatus(error);
      throw new ModelBackendError(
        `LangChain chat model ${this.modelId} failed${status === undefined ? '' : ` (status ${status})`}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, retryable: isRetryable(error, status), details: { modelId: this.modelId, ...(status === undefined ? {} : { status }) } },
      );
    }
    const toolCalls = toolCallsOf(message, () => `call-${this.unnamedToolCalls++}`);
    return {
      text: message.text,
      toolCalls,
      finishReason: finishReasonOf(message, toolCalls.length > 0),
      ...usageOf(message),
      timings: { totalMs: performance.now() - startedAt },
      raw: rawOf(message),
      warnings,
    };
  }

  /** The chat model with the request's tools bound, or the chat model itself. */
  private withTools(request: GenerateRequest, warnings: string[]): { invoke(input: BaseMessage[], options: Record<string, unknown>): Promise<AIMessageChunk> } {
    const tools = request.tools ?? [];
    if (tools.length === 0) {
      if (request.toolChoice !== undefined && request.toolChoice !== 'auto' && request.toolChoice !== 'none') warnings.push('toolChoice was given without tools (ignored).');
      return this.chatModel;
    }
    if (typeof this.chatModel.bindTools !== 'function') {
      warnings.push(`The LangChain chat model ${this.modelId} has no bindTools (no tool calling); ${tools.length} tool(s) ignored.`);
      return this.chatModel;
    }
    const definitions = tools.map((tool) => ({ type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
    const toolChoice = request.toolChoice === undefined ? undefined : langChainToolChoice(request.toolChoice);
    return this.chatModel.bindTools(definitions, toolChoice === undefined ? {} : { tool_choice: toolChoice });
  }
}

function defaultModelId(chatModel: BaseChatModel): string {
  const fields = chatModel as unknown as { model?: unknown; modelName?: unknown };
  if (typeof fields.model === 'string' && fields.model !== '') return fields.model;
  if (typeof fields.modelName === 'string' && fields.modelName !== '') return fields.modelName;
  return chatModel._llmType();
}

function standardSamplingCallOptions(sampling: SamplingParameters): SamplingCallOptions {
  const warnings: string[] = [];
  for (const key of ['temperature', 'topP', 'topK', 'maxTokens', 'seed'] as const) {
    if (sampling[key] !== undefined) {
      warnings.push(`${key} is not a standard LangChain call option (ignored); set it on the chat model or pass samplingCallOptions.`);
    }
  }
  return { callOptions: sampling.stop === undefined ? {} : { stop: [...sampling.stop] }, warnings };
}

function langChainToolChoice(choice: NonNullable<GenerateRequest['toolChoice']>): string {
  if (choice === 'required') return 'any';
  if (typeof choice === 'string') return choice;
  return choice.name;
}

/** The message's tool calls, valid then invalid; `createId` names those that came without an id. */
function toolCallsOf(message: AIMessageChunk, createId: () => string): ModelToolCall[] {
  const idOf = (id: string | undefined): string => (id === undefined || id === '' ? createId() : id);
  const calls: ModelToolCall[] = [];
  for (const call of message.tool_calls ?? []) calls.push({ id: idOf(call.id), name: call.name, arguments: call.args });
  for (const call of message.invalid_tool_calls ?? []) calls.push({ id: idOf(call.id), name: call.name ?? '', arguments: call.args ?? '' });
  return calls;
}

/**
 * `promise`, or a rejection as soon as `signal` fires: LangChain passes the signal to the chat model,
 * but a model that ignores it (many do) would otherwise keep an aborted call waiting.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason ?? new Error('Aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  eos: 'stop',
  length: 'length',
  max_tokens: 'length',
  model_length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  tool_use: 'tool-calls',
  content_filter: 'content-filter',
  safety: 'content-filter',
  recitation: 'content-filter',
  refusal: 'content-filter',
  error: 'error',
};

function finishReasonOf(message: AIMessageChunk, hasToolCalls: boolean): FinishReason {
  const metadata = message.response_metadata ?? {};
  const reported = [metadata.finish_reason, metadata.stop_reason, metadata.finishReason, metadata.done_reason].find((value) => typeof value === 'string') as string | undefined;
  const reason = reported === undefined ? 'stop' : (FINISH_REASONS[reported.toLowerCase()] ?? 'other');
  return hasToolCalls && reason === 'stop' ? 'tool-calls' : reason;
}

function usageOf(message: AIMessageChunk): { usage?: TokenUsage } {
  const usage = message.usage_metadata;
  if (!usage) return {};
  const cached = usage.input_token_details?.cache_read;
  return { usage: { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens, ...(cached === undefined ? {} : { cachedPromptTokens: cached }) } };
}

function rawOf(message: AIMessageChunk): JsonValue {
  const fields = {
    id: message.id,
    content: message.content,
    tool_calls: message.tool_calls,
    invalid_tool_calls: message.invalid_tool_calls,
    additional_kwargs: message.additional_kwargs,
    response_metadata: message.response_metadata,
    usage_metadata: message.usage_metadata,
  };
  try {
    return JSON.parse(JSON.stringify(fields)) as JsonValue;
  } catch {
    return { content: message.text };
  }
}

function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  for (const value of [record.status, record.statusCode, record.response?.status]) {
    if (typeof value === 'number') return value;
  }
  return undefined;
}

function isRetryable(error: unknown, status: number | undefined): boolean {
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  const record = (typeof error === 'object' && error !== null ? error : {}) as { lc_error_code?: unknown; code?: unknown };
  if (record.lc_error_code === 'MODEL_RATE_LIMIT') return true;
  return typeof record.code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET'].includes(record.code);
}
