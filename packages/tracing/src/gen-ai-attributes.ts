// The span attributes worldloop's traces carry: OpenTelemetry's GenAI semantic conventions (v1.41,
// `gen_ai.*`) where they name the thing, and `worldloop.*` for what they do not (episodes, steps).
import type { ChatMessage, GenerateResult, SamplingParameters } from '@worldloop/spec';
import type { Attributes } from '@opentelemetry/api';

/**
 * `value` as JSON for a content attribute, never throwing: a BigInt becomes its decimal string, and
 * a value JSON cannot hold (a cycle) a note saying so, since a trace must not fail the run it watches.
 */
export function contentJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? '';
  } catch (error) {
    return `[not serialisable as JSON: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

/** GenAI semantic-convention attribute names used here. */
export const genAi = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestTopK: 'gen_ai.request.top_k',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestSeed: 'gen_ai.request.seed',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCachedInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  agentName: 'gen_ai.agent.name',
  conversationId: 'gen_ai.conversation.id',
  errorType: 'error.type',
} as const;

/** `gen_ai.response.finish_reasons` values (free-form: the OpenAI-style names backends send), from the contract's. */
const finishReasons: Record<GenerateResult['finishReason'], string> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'error',
  other: 'other',
};

/** The output messages' `finish_reason`: the conventions' FinishReason enum (`tool_call`, singular), from the contract's. */
const outputFinishReasons: Record<GenerateResult['finishReason'], string> = { ...finishReasons, 'tool-calls': 'tool_call' };

/** `gen_ai.request.*` attributes of the sampling parameters that were set. */
export function samplingAttributes(sampling: SamplingParameters | undefined): Attributes {
  if (sampling === undefined) return {};
  const attributes: Attributes = {};
  if (sampling.temperature !== undefined) attributes[genAi.requestTemperature] = sampling.temperature;
  if (sampling.topP !== undefined) attributes[genAi.requestTopP] = sampling.topP;
  if (sampling.topK !== undefined) attributes[genAi.requestTopK] = sampling.topK;
  if (sampling.maxTokens !== undefined) attributes[genAi.requestMaxTokens] = sampling.maxTokens;
  if (sampling.seed !== undefined) attributes[genAi.requestSeed] = sampling.seed;
  if (sampling.stop !== undefined) attributes[genAi.requestStopSequences] = [...sampling.stop];
  return attributes;
}

/** `gen_ai.response.*` and `gen_ai.usage.*` attributes of a model call's result. */
export function resultAttributes(result: GenerateResult): Attributes {
  const attributes: Attributes = { [genAi.responseFinishReasons]: [finishReasons[result.finishReason]] };
  if (result.usage !== undefined) {
    attributes[genAi.usageInputTokens] = result.usage.promptTokens;
    attributes[genAi.usageOutputTokens] = result.usage.completionTokens;
    if (result.usage.cachedPromptTokens !== undefined) attributes[genAi.usageCachedInputTokens] = result.usage.cachedPromptTokens;
  }
  return attributes;
}

/** A message part in the conventions' JSON shape. */
type MessagePart =
  | { readonly type: 'text'; readonly content: string }
  | { readonly type: 'uri'; readonly modality: 'image'; readonly mime_type: string; readonly uri: string }
  | { readonly type: 'blob'; readonly modality: 'image'; readonly mime_type: string; readonly content: string }
  | { readonly type: 'tool_call'; readonly id: string; readonly name: string; readonly arguments: unknown }
  | { readonly type: 'tool_call_response'; readonly id: string; readonly response: string };

/** The request's messages as `gen_ai.input.messages` holds them (roles and typed parts), as JSON. */
export function inputMessagesJson(messages: readonly ChatMessage[]): string {
  return contentJson(
    messages.map((message) => {
      switch (message.role) {
        case 'system':
          return { role: 'system', parts: [{ type: 'text', content: message.content }] };
        case 'user':
          return {
            role: 'user',
            parts:
              typeof message.content === 'string'
                ? [{ type: 'text', content: message.content }]
                : message.content.map((part): MessagePart => {
                    if (part.type === 'text') return { type: 'text', content: part.text };
                    return part.url !== undefined
                      ? { type: 'uri', modality: 'image', mime_type: part.mediaType, uri: part.url }
                      : { type: 'blob', modality: 'image', mime_type: part.mediaType, content: part.data ?? '' };
                  }),
          };
        case 'assistant':
          return { role: 'assistant', parts: assistantParts(message.content, message.toolCalls ?? []) };
        case 'tool':
          return { role: 'tool', parts: [{ type: 'tool_call_response', id: message.toolCallId, response: message.content }] };
      }
    }),
  );
}

/** The reply as `gen_ai.output.messages` holds it, as JSON. */
export function outputMessagesJson(result: GenerateResult): string {
  return contentJson([{ role: 'assistant', parts: assistantParts(result.text, result.toolCalls), finish_reason: outputFinishReasons[result.finishReason] }]);
}

function assistantParts(text: string, toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: unknown }[]): MessagePart[] {
  return [...(text !== '' ? [{ type: 'text' as const, content: text }] : []), ...toolCalls.map((call): MessagePart => ({ type: 'tool_call', id: call.id, name: call.name, arguments: call.arguments }))];
}
