// The language-model contract: plain-data requests and results, declared capabilities.
// Unsupported settings come back as warnings, not errors (after the Vercel AI SDK provider spec).
import type { JsonSchema, JsonValue } from './json.js';
import type { ToolDefinition } from './tool.js';

/** A part of a message's content. */
export type MessageContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly mediaType: string; readonly data?: string; readonly url?: string };

/** A tool call made by the model, arguments parsed from JSON where they parsed. */
export interface ModelToolCall {
  readonly id: string;
  readonly name: string;
  /** Parsed arguments (object), or the raw string when it was not valid JSON. */
  readonly arguments: unknown;
}

/** One chat message. */
export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly MessageContentPart[] }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ModelToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly content: string };

/** Sampling parameters; a backend that ignores one reports a warning. */
export interface SamplingParameters {
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly seed?: number;
}

/** One generation request. */
export interface GenerateRequest {
  readonly messages: readonly ChatMessage[];
  /** Tools the model may call. */
  readonly tools?: readonly ToolDefinition[];
  /** `auto` (default), `required`, `none`, or one named tool. */
  readonly toolChoice?: 'auto' | 'required' | 'none' | { readonly name: string };
  /** Constrain the text output to this JSON Schema. */
  readonly responseSchema?: JsonSchema;
  readonly sampling?: SamplingParameters;
  /**
   * Ask for the log probability of every generated token, with this many most likely alternatives
   * per position (0 for the chosen token only). Honoured where `capabilities.logprobs`; elsewhere
   * ignored with a warning. Recorded with the call, for RL on the model's own samples.
   */
  readonly logprobs?: number;
  /**
   * Receives the reply's text piece by piece as it is generated, where the backend streams (the
   * OpenAI-compatible client streams whenever this is set); the result still carries the whole text.
   * Tool calls are not passed here. What it throws ends the call with that error.
   */
  readonly onTextDelta?: (text: string) => void;
  readonly signal?: AbortSignal;
}

/** A token and its log probability (natural log; `-Infinity` is reported as a large negative number by some servers). */
export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  /** The token's UTF-8 bytes, where the backend reports them (tokens that split a character). */
  readonly bytes?: readonly number[];
}

/** One generated position: the chosen token and, when asked, the most likely alternatives. */
export interface GeneratedTokenLogprob extends TokenLogprob {
  readonly topLogprobs?: readonly TokenLogprob[];
}

/** Why generation stopped. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** Token counts as the backend reported them. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Prompt tokens served from the backend's prefix cache, where it reports them. */
  readonly cachedPromptTokens?: number;
}

/** The result of one generation, as plain data. */
export interface GenerateResult {
  readonly text: string;
  readonly toolCalls: readonly ModelToolCall[];
  readonly finishReason: FinishReason;
  readonly usage?: TokenUsage;
  /** Per generated token, when the request asked for `logprobs` and the backend returned them. */
  readonly logprobs?: readonly GeneratedTokenLogprob[];
  /** Wall-clock timings in milliseconds. */
  readonly timings?: { readonly totalMs: number; readonly firstTokenMs?: number };
  /** The backend's response body, for recording. */
  readonly raw?: JsonValue;
  /** Settings the backend ignored or changed. */
  readonly warnings: readonly string[];
}

/** What a backend supports. */
export interface ModelCapabilities {
  readonly toolCalls: boolean;
  readonly jsonSchema: boolean;
  readonly logprobs: boolean;
  readonly images: boolean;
  /** Context window in tokens. */
  readonly contextTokens: number;
}

/** A language-model backend: one implementation per way of running a model. */
export interface LanguageModel {
  /** `vllm`, `llama-cpp`, `ollama`, `langchain`, ... */
  readonly provider: string;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  /** Generates a completion. Transport failures throw `ModelBackendError`. */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * The exact number of tokens this model reads for `text` (optional capability: backends with a
   * local tokenizer). Policies budget the context window with it instead of an estimate.
   */
  countTokens?(text: string): number;
}
