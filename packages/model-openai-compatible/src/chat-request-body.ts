// Maps a spec GenerateRequest onto the body of POST /chat/completions for one server kind.
// Settings a server would ignore are not sent and come back as warnings; `stream` is false here (the model turns it on).
import { ConfigError, type ChatMessage, type GenerateRequest, type JsonSchema, type MessageContentPart } from '@worldloop/spec';
import { toolCallInstructions, toolCallResponseSchema, toolCallResponseSchemaName } from './json-schema-tool-mode.js';
import type { ServerProfile } from './server-profile.js';

/** How tool calls are requested: the server's native `tools`, or a JSON Schema on the output. */
export type ToolRequestMode = 'native' | 'json-schema';

/** Inputs of {@link buildChatRequestBody} besides the request. */
export interface ChatRequestBodyOptions {
  /** Model id sent as `model`. */
  readonly model: string;
  readonly profile: ServerProfile;
  readonly toolMode: ToolRequestMode;
}

/** A request body and what was dropped or changed on the way. */
export interface ChatRequestBody {
  readonly body: Record<string, unknown>;
  readonly warnings: string[];
}

/**
 * Builds the chat-completions body. Native mode sends `tools` (OpenAI function format, arguments of
 * past calls as JSON strings) and `tool_choice`; json-schema mode sends no tools, puts them in the
 * system prompt and constrains the reply with `response_format` (see json-schema-tool-mode.ts).
 */
export function buildChatRequestBody(request: GenerateRequest, options: ChatRequestBodyOptions): ChatRequestBody {
  const { profile } = options;
  const warnings: string[] = [];
  const tools = request.tools ?? [];
  const toolChoice = request.toolChoice;
  const jsonSchemaTools = options.toolMode === 'json-schema' && tools.length > 0;
  const body: Record<string, unknown> = { model: options.model, stream: false };

  const messages = jsonSchemaTools
    ? jsonSchemaModeMessages(request.messages, toolCallInstructions(tools, toolChoice, request.responseSchema))
    : request.messages;
  body.messages = messages.map((message) => wireMessage(message, profile, warnings));

  if (jsonSchemaTools) {
    body.response_format = responseFormat(toolCallResponseSchemaName, toolCallResponseSchema(tools, toolChoice, request.responseSchema));
  } else {
    if (tools.length > 0 && !(toolChoice === 'none' && !profile.acceptsToolChoice)) {
      body.tools = tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      }));
    }
    if (toolChoice !== undefined && tools.length > 0) {
      if (profile.acceptsToolChoice) {
        body.tool_choice = typeof toolChoice === 'object' ? { type: 'function', function: { name: toolChoice.name } } : toolChoice;
      } else if (toolChoice !== 'auto' && toolChoice !== 'none') {
        warnings.push(`${profile.displayName} ignores tool_choice; ${JSON.stringify(toolChoice)} was not enforced (use toolCallMode 'json-schema' to force a tool).`);
      }
    }
    if (request.responseSchema) body.response_format = responseFormat('response', request.responseSchema);
  }

  const sampling = request.sampling ?? {};
  if (sampling.temperature !== undefined) body.temperature = sampling.temperature;
  if (sampling.topP !== undefined) body.top_p = sampling.topP;
  if (sampling.topK !== undefined) {
    if (profile.acceptsTopK) body.top_k = sampling.topK;
    else warnings.push(`${profile.displayName}'s OpenAI-compatible API ignores top_k; topK ${sampling.topK} was not sent.`);
  }
  if (sampling.maxTokens !== undefined) body.max_tokens = sampling.maxTokens;
  if (sampling.stop !== undefined && sampling.stop.length > 0) body.stop = [...sampling.stop];
  if (sampling.seed !== undefined) body.seed = sampling.seed;
  if (request.logprobs !== undefined) {
    if (!Number.isInteger(request.logprobs) || request.logprobs < 0 || request.logprobs > 20) {
      throw new ConfigError(`logprobs must be an integer from 0 to 20 (alternatives per token), got ${request.logprobs}.`);
    }
    if (profile.reportsLogprobs) {
      body.logprobs = true;
      if (request.logprobs > 0) body.top_logprobs = request.logprobs;
    } else {
      warnings.push(`${profile.displayName} does not return logprobs on chat completions; logprobs ${request.logprobs} was not sent.`);
    }
  }
  return { body, warnings };
}

function responseFormat(name: string, schema: JsonSchema): Record<string, unknown> {
  return { type: 'json_schema', json_schema: { name, schema, strict: true } };
}

function wireMessage(message: ChatMessage, profile: ServerProfile, warnings: string[]): Record<string, unknown> {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: typeof message.content === 'string' ? message.content : wireContent(message.content, profile, warnings) };
    case 'assistant': {
      const wire: Record<string, unknown> = { role: 'assistant', content: message.content };
      if (message.toolCalls && message.toolCalls.length > 0) {
        wire.tool_calls = message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: argumentsString(call.arguments, call.name, warnings) },
        }));
      }
      return wire;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

/** Text-only parts become one string (older templates reject content arrays); images become `image_url` parts. */
function wireContent(parts: readonly MessageContentPart[], profile: ServerProfile, warnings: string[]): string | Record<string, unknown>[] {
  if (parts.every((part) => part.type === 'text')) return parts.map((part) => part.text).join('\n');
  const wire: Record<string, unknown>[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      wire.push({ type: 'text', text: part.text });
      continue;
    }
    const url = part.data !== undefined ? `data:${part.mediaType};base64,${part.data}` : part.url;
    if (url === undefined) {
      warnings.push(`An image part (${part.mediaType}) had neither data nor url; dropped.`);
      continue;
    }
    if (!url.startsWith('data:') && !profile.acceptsRemoteImageUrls) {
      warnings.push(`${profile.displayName} accepts only base64 images; the image at ${url} was dropped (pass its bytes as data).`);
      continue;
    }
    wire.push({ type: 'image_url', image_url: { url } });
  }
  return wire;
}

/**
 * Arguments go on the wire as a JSON string. A raw string that is not JSON (a model's broken call kept
 * as data) is wrapped so the history stays valid: vLLM and Ollama reject unparseable arguments.
 */
function argumentsString(value: unknown, toolName: string, warnings: string[]): string {
  if (typeof value !== 'string') return JSON.stringify(value ?? {});
  try {
    JSON.parse(value);
    return value;
  } catch {
    warnings.push(`Past call of ${JSON.stringify(toolName)} had arguments that are not JSON; sent as {"invalid_arguments": <the text>}.`);
    return JSON.stringify({ invalid_arguments: value });
  }
}

/**
 * Rewrites a conversation for json-schema tool mode: the tool instructions join the first system
 * message (or become one), past calls become the JSON the model is asked to write, and tool results
 * become user messages (templates without tool support reject the `tool` role). Consecutive user
 * messages are merged, since several chat templates require strict alternation.
 */
function jsonSchemaModeMessages(messages: readonly ChatMessage[], instructions: string): ChatMessage[] {
  const result: ChatMessage[] = [];
  let instructed = false;
  for (const message of messages) {
    if (message.role === 'system' && !instructed) {
      result.push({ role: 'system', content: `${message.content}\n\n${instructions}` });
      instructed = true;
      continue;
    }
    if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) {
      const calls = message.toolCalls.map((call) => JSON.stringify({ tool: call.name, arguments: call.arguments }));
      result.push({ role: 'assistant', content: [message.content, ...calls].filter((part) => part !== '').join('\n') });
      continue;
    }
    if (message.role === 'tool') {
      appendUser(result, `Result of tool ${message.name} (call ${message.toolCallId}):\n${message.content}`);
      continue;
    }
    if (message.role === 'user' && typeof message.content === 'string') {
      appendUser(result, message.content);
      continue;
    }
    result.push(message);
  }
  if (!instructed) result.unshift({ role: 'system', content: instructions });
  return result;
}

function appendUser(messages: ChatMessage[], text: string): void {
  const last = messages.at(-1);
  if (last?.role === 'user' && typeof last.content === 'string') {
    messages[messages.length - 1] = { role: 'user', content: `${last.content}\n\n${text}` };
  } else {
    messages.push({ role: 'user', content: text });
  }
}
