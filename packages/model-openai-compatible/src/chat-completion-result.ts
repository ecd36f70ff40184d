// Maps a chat-completions response body onto a spec GenerateResult. Model-side mistakes (bad tool JSON,
// unknown tools, calls written as text) come back as data plus warnings; only a non-completion body throws.
import { parseToolCallArguments, parseToolCallsFromText } from '@worldloop/core';
import { ModelBackendError, type FinishReason, type GeneratedTokenLogprob, type GenerateResult, type JsonValue, type ModelToolCall, type TokenLogprob, type TokenUsage } from '@worldloop/spec';
import { parseToolCallResponse, type ParsedToolCallResponse } from './json-schema-tool-mode.js';
import type { ToolRequestMode } from './chat-request-body.js';

/** What the mapping needs to know about the request that produced the body. */
export interface ChatCompletionContext {
  /** Names of the tools offered (empty when none). */
  readonly toolNames: readonly string[];
  /** Whether calls were requested natively or through the json-schema mode. */
  readonly toolMode: ToolRequestMode;
  /** Whether the model was allowed to call tools (tools offered, tool choice not `none`). */
  readonly toolsCallable: boolean;
  /** Gives ids to calls that arrive without one. */
  readonly nextId: () => string;
  /** Wall-clock duration of the whole call. */
  readonly totalMs: number;
  /** Time to the first generated token, known when the response was streamed. */
  readonly firstTokenMs?: number;
}

/** A result plus whether any tool call kept unparseable arguments (the signal to retry in json-schema mode). */
export interface ChatCompletionResult {
  readonly result: GenerateResult;
  readonly brokenToolCalls: number;
}

/** Reads `choices[0]`, `usage` (with cached prompt tokens) and llama.cpp's `timings.cache_n`. */
export function chatCompletionResult(body: JsonValue, context: ChatCompletionContext): ChatCompletionResult {
  const warnings: string[] = [];
  const choice = isRecord(body) && Array.isArray(body.choices) ? body.choices[0] : undefined;
  const message = isRecord(choice) ? choice.message : undefined;
  if (!isRecord(body) || !isRecord(choice) || !isRecord(message)) {
    throw new ModelBackendError(`The server's reply is not a chat completion (no choices[0].message): ${preview(body)}`, {
      details: { body },
    });
  }
  let text = contentText(message.content);
  let toolCalls: ModelToolCall[] = [];
  let brokenToolCalls = 0;

  if (context.toolMode === 'json-schema' && context.toolNames.length > 0) {
    const parsed: ParsedToolCallResponse = parseToolCallResponse(text, context.toolNames, context.nextId);
    text = parsed.text;
    toolCalls = parsed.toolCalls;
    warnings.push(...parsed.warnings);
  } else {
    const wireCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
    for (const wire of wireCalls) {
      const call = nativeToolCall(wire, context, warnings);
      if (!call) continue;
      if (!call.parsed) brokenToolCalls += 1;
      toolCalls.push(call.call);
    }
    if (toolCalls.length === 0 && context.toolsCallable && text !== '') {
      const recovered = parseToolCallsFromText(text, context.toolNames);
      if (recovered.toolCalls.length > 0) {
        warnings.push(
          `The server returned ${recovered.toolCalls.length} tool call(s) as text in content; recovered them (is the server's tool-call parser set for this model?).`,
          ...recovered.warnings,
        );
        text = recovered.remainingText;
        toolCalls = recovered.toolCalls.map((call) => ({ ...call, id: context.nextId() }));
      }
    }
  }

  let finishReason = finishReasonOf(choice.finish_reason);
  if (toolCalls.length > 0 && (finishReason === 'stop' || finishReason === 'other')) finishReason = 'tool-calls';
  const usage = usageOf(body);
  const logprobs = logprobsOf(choice.logprobs);
  return {
    result: {
      text,
      toolCalls,
      finishReason,
      ...(usage ? { usage } : {}),
      ...(logprobs ? { logprobs } : {}),
      timings: { totalMs: context.totalMs, ...(context.firstTokenMs !== undefined ? { firstTokenMs: context.firstTokenMs } : {}) },
      raw: body,
      warnings,
    },
    brokenToolCalls,
  };
}

function nativeToolCall(
  wire: unknown,
  context: ChatCompletionContext,
  warnings: string[],
): { call: ModelToolCall; parsed: boolean } | undefined {
  const fn = isRecord(wire) ? wire.function : undefined;
  if (!isRecord(wire) || !isRecord(fn) || typeof fn.name !== 'string' || fn.name === '') {
    warnings.push(`Dropped a tool call without a function name: ${preview(wire as JsonValue)}`);
    return undefined;
  }
  const parsed = parseToolCallArguments(fn.arguments, fn.name);
  warnings.push(...parsed.warnings);
  if (!context.toolNames.includes(fn.name)) {
    warnings.push(`Tool ${JSON.stringify(fn.name)} is not one of the offered tools (${context.toolNames.join(', ') || 'none'}); kept as called.`);
  }
  const id = typeof wire.id === 'string' && wire.id !== '' ? wire.id : context.nextId();
  return { call: { id, name: fn.name, arguments: parsed.value }, parsed: parsed.parsed };
}

/** `content` is a string, null (tool calls only), or, on some servers, an array of text parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

function finishReasonOf(value: unknown): FinishReason {
  switch (value) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    case 'error':
    case 'abort':
      return 'error';
    default:
      return 'other';
  }
}

function usageOf(body: Record<string, unknown>): TokenUsage | undefined {
  const usage = body.usage;
  if (!isRecord(usage) || typeof usage.prompt_tokens !== 'number') return undefined;
  const details = usage.prompt_tokens_details;
  const timings = body.timings;
  const cached =
    isRecord(details) && typeof details.cached_tokens === 'number'
      ? details.cached_tokens
      : isRecord(timings) && typeof timings.cache_n === 'number'
        ? timings.cache_n
        : undefined;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0,
    ...(cached !== undefined ? { cachedPromptTokens: cached } : {}),
  };
}

/** `choices[0].logprobs.content` in the OpenAI shape (vLLM, SGLang, llama.cpp's server): one entry per generated token. */
function logprobsOf(value: unknown): GeneratedTokenLogprob[] | undefined {
  const content = isRecord(value) ? value.content : undefined;
  if (!Array.isArray(content)) return undefined;
  const tokens: GeneratedTokenLogprob[] = [];
  for (const entry of content) {
    const token = tokenLogprobOf(entry);
    if (!token) continue;
    const top = isRecord(entry) && Array.isArray(entry.top_logprobs) ? entry.top_logprobs.map(tokenLogprobOf).filter((alternative) => alternative !== undefined) : undefined;
    tokens.push(top && top.length > 0 ? { ...token, topLogprobs: top } : token);
  }
  return tokens;
}

function tokenLogprobOf(value: unknown): TokenLogprob | undefined {
  if (!isRecord(value) || typeof value.token !== 'string' || typeof value.logprob !== 'number') return undefined;
  const bytes = Array.isArray(value.bytes) && value.bytes.every((byte) => typeof byte === 'number') ? (value.bytes as number[]) : undefined;
  return { token: value.token, logprob: value.logprob, ...(bytes ? { bytes } : {}) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: JsonValue | undefined): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
